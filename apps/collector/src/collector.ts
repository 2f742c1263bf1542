import { ClickHouseStorage } from '@firefly/clickhouse-storage';
import type { StorageAdapter } from '@firefly/storage';
import type { FastifyInstance } from 'fastify';
import { type Logger, pino } from 'pino';
import { KafkaPipeline } from './buffer/kafka-pipeline.js';
import type { CollectorConfig } from './config/schema.js';
import { StorageWriter } from './exporter/storage-writer.js';
import { DirectPipeline } from './pipeline/direct-pipeline.js';
import type { Pipeline } from './pipeline/pipeline.js';
import { buildServer, REDACTED_PATHS } from './server.js';
import { CollectorMetrics } from './telemetry/metrics.js';

export interface Collector {
  readonly config: CollectorConfig;
  readonly server: FastifyInstance;
  readonly pipeline: Pipeline;
  readonly storage: StorageAdapter;
  readonly metrics: CollectorMetrics;
  readonly logger: Logger;
  /** Migrates storage, starts the pipeline and listens; resolves with the base URL. */
  start(): Promise<string>;
  /**
   * Graceful shutdown within config.server.shutdownTimeoutMs: stop accepting requests, let
   * in-flight ones finish, drain the pipeline to storage (and commit, in Kafka mode), close.
   * Idempotent.
   */
  stop(): Promise<void>;
}

export interface CollectorOptions {
  /** A pino logger; default one at config.logLevel on stdout. */
  logger?: Logger;
  /** A storage adapter; default ClickHouse from config.storage.clickhouse. */
  storage?: StorageAdapter;
}

/** Wires receivers → pipeline (direct or Kafka) → storage from one validated configuration. */
export function createCollector(config: CollectorConfig, options: CollectorOptions = {}): Collector {
  const logger = options.logger ?? pino({ level: config.logLevel, redact: [...REDACTED_PATHS] });
  const metrics = new CollectorMetrics();
  const storage = options.storage ?? new ClickHouseStorage(config.storage.clickhouse);
  const writerLog = logger.child({ component: 'storage-writer' });
  const writer = new StorageWriter(storage, metrics, {
    log: (fields, message) => writerLog.warn(fields, message),
  });
  const pipeline = createPipeline(config, writer, metrics, logger);
  const server = buildServer({ config, pipeline, metrics, logger });
  let stopping: Promise<void> | undefined;

  return {
    config,
    server,
    pipeline,
    storage,
    metrics,
    logger,
    async start() {
      const migration = await storage.migrate();
      logger.info({ migration }, 'storage ready');
      await pipeline.start();
      return server.listen({ host: config.server.host, port: config.server.port });
    },
    stop() {
      stopping ??= (async () => {
        const deadline = Date.now() + config.server.shutdownTimeoutMs;
        await server.close();
        await pipeline.stop(Math.max(0, deadline - Date.now()));
        await storage.close();
        logger.info('stopped');
      })();
      return stopping;
    },
  };
}

function createPipeline(
  config: CollectorConfig,
  writer: StorageWriter,
  metrics: CollectorMetrics,
  logger: Logger,
): Pipeline {
  const mode =
    config.pipeline.mode === 'auto'
      ? config.kafka.brokers.length > 0
        ? 'kafka'
        : 'direct'
      : config.pipeline.mode;
  if (mode === 'kafka') {
    if (config.kafka.brokers.length === 0)
      throw new Error('pipeline.mode is kafka but kafka.brokers is empty');
    return new KafkaPipeline({ config, writer, metrics, logger: logger.child({ component: 'kafka' }) });
  }
  const log = logger.child({ component: 'direct-pipeline' });
  return new DirectPipeline(writer, metrics, {
    capacity: config.pipeline.queueCapacity,
    batchMaxItems: config.pipeline.batchMaxItems,
    batchTimeoutMs: config.pipeline.batchTimeoutMs,
    retryAfterSeconds: config.pipeline.retryAfterSeconds,
    log: (fields, message) => log.error(fields, message),
  });
}
