import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import type { CollectorConfig } from './config/schema.js';
import type { Pipeline } from './pipeline/pipeline.js';
import { firehoseReceiver } from './receivers/firehose-receiver.js';
import { otlpReceiver } from './receivers/otlp-receiver.js';
import { prometheusReceiver } from './receivers/prometheus-receiver.js';
import { SECRET_HEADERS } from './receivers/secret-headers.js';
import { serverContext } from './server-context.js';
import type { CollectorMetrics } from './telemetry/metrics.js';
import { telemetryRoutes } from './telemetry/routes.js';

/** pino options, as fastify's `logger` option takes them. */
export type LoggerOptions = Exclude<FastifyServerOptions['logger'], boolean | undefined>;

export interface BuildServerOptions {
  config: CollectorConfig;
  pipeline: Pipeline;
  metrics: CollectorMetrics;
  /**
   * fastify's logger: pino options (level defaults to `config.logLevel`; {@link REDACTED_PATHS} are
   * added to their `redact`), `false` for none, or a pino instance (which should redact
   * {@link REDACTED_PATHS} too). Default: pino at `config.logLevel` on stdout.
   */
  logger?: boolean | LoggerOptions | FastifyBaseLogger;
}

/**
 * Log paths holding credentials, for a logger instance passed in: receivers already log headers
 * with credentials replaced, and these catch a request logged whole (`req`) by anyone else.
 */
export const REDACTED_PATHS: readonly string[] = SECRET_HEADERS.flatMap((header) => [
  `req.headers["${header}"]`,
  `headers["${header}"]`,
]);

/**
 * The collector's HTTP server, not yet listening: the shared decorators, the health and metrics
 * routes, and one encapsulated plugin per enabled receiver.
 */
export function buildServer({ config, pipeline, metrics, logger }: BuildServerOptions): FastifyInstance {
  const bodyLimitBytes = config.server.bodyLimitBytes;
  const app: FastifyInstance = Fastify({
    bodyLimit: bodyLimitBytes,
    // Without it (fastify's default is none) a client trickling a body holds its socket forever.
    requestTimeout: config.server.requestTimeoutMs,
    ...loggerOptions(logger, config.logLevel),
    // One info line per request is too much at a collector's request rates: requests are counted in
    // metrics and logged at debug below; rejections are logged by each receiver.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  });

  app.register(serverContext, { pipeline, metrics });
  app.register(telemetryRoutes);
  const { otlp, prometheus, firehose } = config.receivers;
  if (otlp.enabled) app.register(otlpReceiver, { bodyLimitBytes, auth: otlp.auth });
  if (prometheus.enabled) {
    app.register(prometheusReceiver, { path: prometheus.path, bodyLimitBytes, auth: prometheus.auth });
  }
  if (firehose.enabled) {
    app.register(firehoseReceiver, {
      path: firehose.path,
      bodyLimitBytes,
      accessKeys: firehose.accessKeys,
      recordFormat: firehose.recordFormat,
    });
  }
  return app;
}

function loggerOptions(
  logger: BuildServerOptions['logger'],
  level: CollectorConfig['logLevel'],
): { logger: boolean | LoggerOptions } | { loggerInstance: FastifyBaseLogger } {
  if (logger === false) return { logger: false };
  if (isLoggerInstance(logger)) return { loggerInstance: logger };
  const options: LoggerOptions = logger === undefined || logger === true ? {} : logger;
  return { logger: { level, ...options, redact: withSecretsRedacted(options.redact) } };
}

function withSecretsRedacted(redact: LoggerOptions['redact']): LoggerOptions['redact'] {
  if (redact === undefined) return [...REDACTED_PATHS];
  if (Array.isArray(redact)) return [...redact, ...REDACTED_PATHS];
  return { ...redact, paths: [...redact.paths, ...REDACTED_PATHS] };
}

function isLoggerInstance(logger: BuildServerOptions['logger']): logger is FastifyBaseLogger {
  return typeof logger === 'object' && typeof (logger as { child?: unknown }).child === 'function';
}
