import fp from 'fastify-plugin';
import type { Pipeline } from './pipeline/pipeline.js';
import type { CollectorMetrics } from './telemetry/metrics.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Where receivers submit what they decoded. */
    pipeline: Pipeline;
    /** The collector's own prom-client metrics. */
    collectorMetrics: CollectorMetrics;
  }
}

export interface ServerContextOptions {
  pipeline: Pipeline;
  metrics: CollectorMetrics;
}

/**
 * The decorators every receiver and the health routes share. Not encapsulated (fastify-plugin), so
 * the plugins registered after it see them; they name it in their `dependencies`.
 */
export const serverContext = fp<ServerContextOptions>(
  async (fastify, { pipeline, metrics }) => {
    fastify.decorate('pipeline', pipeline);
    fastify.decorate('collectorMetrics', metrics);
  },
  { name: 'firefly-server-context', fastify: '5.x' },
);
