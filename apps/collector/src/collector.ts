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
import { settlesWithin } from './timing.js';

export interface Collector {
  readonly config: CollectorConfig;
  readonly server: FastifyInstance;
  readonly pipeline: Pipeline;
  readonly storage: StorageAdapter;
  readonly metrics: CollectorMetrics;
  readonly logger: Logger;
  /**
   * Migrates storage, starts the pipeline and listens; resolves with the base URL. When a step
   * fails, stops what was started (as `stop()` does) and rejects with that step's error.
   */
  start(): Promise<string>;
  /**
   * Graceful shutdown within config.server.shutdownTimeoutMs: stop accepting requests, let
   * in-flight ones finish (for at most a third of the deadline, then their connections are
   * closed), drain the pipeline to storage (and commit, in Kafka mode), close. Idempotent.
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

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const { shutdownTimeoutMs } = config.server;
      const deadline = Date.now() + shutdownTimeoutMs;
      await closeServer(server, Math.floor(shutdownTimeoutMs / 3), logger);
      await pipeline.stop(Math.max(0, deadline - Date.now()));
      await storage.close();
      logger.info('stopped');
    })();
    return stopping;
  };

  const start = async (): Promise<string> => {
    try {
      const migration = await storage.migrate();
      logger.info({ migration }, 'storage ready');
      await pipeline.start();
      return await server.listen({ host: config.server.host, port: config.server.port });
    } catch (error) {
      // Consumers and retry loops already running would keep the process alive, half started.
      logger.error({ err: error }, 'start failed; stopping what was started');
      await stop().catch((stopError: unknown) => {
        logger.error({ err: stopError }, 'stopping after a failed start failed');
      });
      throw error;
    }
  };

  return { config, server, pipeline, storage, metrics, logger, start, stop };
}

/**
 * Stops listening and lets requests in flight finish for at most `requestsMs`, then closes their
 * connections (their senders retry elsewhere or later): a slow upload must not eat the time the
 * pipeline needs to drain what was already accepted.
 */
async function closeServer(server: FastifyInstance, requestsMs: number, logger: Logger): Promise<void> {
  const closed = server.close();
  if (await settlesWithin(closed, requestsMs)) return;
  logger.warn({ afterMs: requestsMs }, 'shutdown: closing the connections of requests still in flight');
  server.server.closeAllConnections();
  // Destroyed sockets let the close finish at once; bounded all the same.
  await settlesWithin(closed, 1_000);
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
