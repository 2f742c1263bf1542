import { INSERT_FORMATS } from '@firefly/clickhouse-storage';
import { z } from 'zod';

const MiB = 1024 * 1024;

const tokens = z
  .array(z.string().min(16, 'tokens must be at least 16 characters'))
  .default([])
  .describe('bearer tokens or API keys this route accepts; empty = no authentication');

const receiverAuth = z.object({ tokens }).strict().prefault({});

export const configSchema = z
  .object({
    server: z
      .object({
        host: z.string().default('0.0.0.0'),
        port: z.number().int().min(0).max(65_535).default(4318),
        /** Largest request body, compressed or not: a gzip bomb is cut off at this size too. */
        bodyLimitBytes: z
          .number()
          .int()
          .min(1024)
          .max(512 * MiB)
          .default(20 * MiB),
        /**
         * How long a graceful shutdown may take: stop accepting, drain, flush, commit. Requests
         * still in flight get at most a third of it, then their connections are closed.
         */
        shutdownTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
        /**
         * Longest time a client may take to send one whole request (headers and body); slower ones
         * get 408. Node checks it every 30 s, so a request may last up to that much longer.
         */
        requestTimeoutMs: z.number().int().min(1_000).max(600_000).default(30_000),
      })
      .strict()
      .prefault({}),
    receivers: z
      .object({
        otlp: z
          .object({ enabled: z.boolean().default(true), auth: receiverAuth })
          .strict()
          .prefault({}),
        prometheus: z
          .object({
            enabled: z.boolean().default(true),
            path: z.string().startsWith('/').default('/api/v1/write'),
            auth: receiverAuth,
          })
          .strict()
          .prefault({}),
        firehose: z
          .object({
            enabled: z.boolean().default(true),
            path: z.string().startsWith('/').default('/firehose'),
            /** X-Amz-Firehose-Access-Key values accepted (several, for rotation); empty = no check. */
            accessKeys: z.array(z.string().min(1)).default([]),
            /** The metric stream's output format. */
            recordFormat: z.enum(['json', 'opentelemetry1.0']).default('json'),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    pipeline: z
      .object({
        /** `kafka` when kafka.brokers is set, else `direct` (no Kafka: an in-memory queue). */
        mode: z.enum(['auto', 'direct', 'kafka']).default('auto'),
        /** Direct mode: spans and points held in memory (≈1 KiB each) before requests get 429; one larger request is taken when the queue is empty. */
        queueCapacity: z.number().int().min(1).max(10_000_000).default(50_000),
        /** Storage batches: at most this many items, or what arrived within timeoutMs. */
        batchMaxItems: z.number().int().min(1).max(1_000_000).default(5_000),
        batchTimeoutMs: z.number().int().min(1).max(60_000).default(1_000),
        /** Retry-After sent with 429/503. */
        retryAfterSeconds: z.number().int().min(1).max(3_600).default(5),
      })
      .strict()
      .prefault({}),
    kafka: z
      .object({
        brokers: z.array(z.string().regex(/^[^\s:]+:\d+$/, 'brokers are host:port')).default([]),
        clientId: z.string().default('firefly-collector'),
        groupId: z.string().default('firefly-storage-writers'),
        topics: z
          .object({
            traces: z.string().default('firefly.traces'),
            metrics: z.string().default('firefly.metrics'),
            deadLetter: z.string().default('firefly.dead-letter'),
          })
          .strict()
          .prefault({}),
        /** Partitions of topics this collector creates when they are missing. */
        partitions: z.number().int().min(1).max(1_000).default(6),
        replicationFactor: z.number().int().min(1).max(10).default(1),
        compression: z.enum(['none', 'gzip']).default('gzip'),
        /** Run the consumer → storage half here too (a deployment may run receivers and writers apart). */
        consume: z.boolean().default(true),
        /** Produce timeout before a request is answered 503. */
        requestTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
      })
      .strict()
      .prefault({}),
    storage: z
      .object({
        clickhouse: z
          .object({
            url: z.url({ protocol: /^https?$/ }),
            username: z.string().optional(),
            password: z.string().optional(),
            database: z.string().optional(),
            ttlDays: z.number().int().min(0).optional(),
            compression: z.boolean().optional(),
            insertFormat: z.enum(INSERT_FORMATS).optional(),
          })
          .strict(),
      })
      .strict(),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .strict();

/** The configuration file's shape (before defaults). */
export type CollectorConfigInput = z.input<typeof configSchema>;
/** The validated configuration with every default filled in. */
export type CollectorConfig = z.output<typeof configSchema>;
