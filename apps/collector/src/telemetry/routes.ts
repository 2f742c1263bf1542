import fp from 'fastify-plugin';
import type { Readiness } from '../pipeline/pipeline.js';

/**
 * GET /healthz (the process answers: 200), GET /readyz (the pipeline can accept and store data:
 * 200, else 503, with each check as JSON) and GET /metrics (the collector's own metrics, in the
 * Prometheus text format).
 */
export const telemetryRoutes = fp(
  async (fastify) => {
    const { pipeline, collectorMetrics } = fastify;
    const { registry } = collectorMetrics;

    fastify.get('/healthz', async () => ({ status: 'alive' }));

    fastify.get('/readyz', async (_request, reply) => {
      const readiness = await readinessOf(() => pipeline.readiness());
      return reply.code(readiness.ready ? 200 : 503).send(readiness);
    });

    fastify.get('/metrics', async (_request, reply) =>
      reply.type(registry.contentType).send(await registry.metrics()),
    );
  },
  {
    name: 'firefly-telemetry-routes',
    fastify: '5.x',
    encapsulate: true,
    dependencies: ['firefly-server-context'],
  },
);

// A readiness probe that throws means "not ready", said the same way as any other failed check.
async function readinessOf(check: () => Promise<Readiness>): Promise<Readiness> {
  try {
    return await check();
  } catch (error) {
    const detail = `readiness check failed: ${error instanceof Error ? error.message : String(error)}`;
    return { ready: false, checks: { pipeline: { ok: false, detail } } };
  }
}
