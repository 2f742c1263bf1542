// A real Prometheus 2.42 scrapes a prom-client registry and remote-writes to the collector, which
// stores the series in the real ClickHouse.
import { createServer, type Server } from 'node:http';
import { type PrometheusServer, startPrometheus } from '@firefly/devstack';
import type { GaugePoint, SumPoint } from '@firefly/model';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedPoints, testCollector, unique } from '../../test-support/collector.js';
import type { Collector } from '../collector.js';

describe('Prometheus remote write → collector → ClickHouse', () => {
  const registry = new Registry();
  const prefix = unique('lambda');
  let target: Server;
  let collector: Collector;
  let prometheus: PrometheusServer;

  beforeAll(async () => {
    new Counter({
      name: `${prefix}_invocations_total`,
      help: 'Invocations.',
      labelNames: ['function_name'],
      registers: [registry],
    }).inc({ function_name: 'checkout' }, 42);
    new Gauge({ name: `${prefix}_concurrent_executions`, help: 'In flight.', registers: [registry] }).set(3);
    const duration = new Histogram({
      name: `${prefix}_duration_seconds`,
      help: 'Duration.',
      buckets: [0.1, 1],
      registers: [registry],
    });
    for (const s of [0.05, 0.5, 2]) duration.observe(s);
    target = createServer(async (_req, res) => {
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(await registry.metrics());
    });
    await new Promise<void>((done) => target.listen(0, '127.0.0.1', done));
    collector = testCollector('direct');
    const url = await collector.start();
    prometheus = await startPrometheus({
      config: {
        global: { scrape_interval: '1s' },
        scrape_configs: [
          {
            job_name: 'lambda',
            static_configs: [{ targets: [`127.0.0.1:${(target.address() as { port: number }).port}`] }],
          },
        ],
        remote_write: [{ url: `${url}/api/v1/write`, queue_config: { batch_send_deadline: '200ms' } }],
      },
    });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await collector?.stop();
    await new Promise<void>((done) => target.close(() => done()));
  });

  it('counters, gauges and histogram series arrive with their values and the scrape target', async () => {
    const names = [
      `${prefix}_invocations_total`,
      `${prefix}_concurrent_executions`,
      `${prefix}_duration_seconds_bucket`,
      `${prefix}_duration_seconds_count`,
    ];
    const points = await storedPoints(collector, names, (p) =>
      names.every((n) => p.some((x) => x.metric.name === n)),
    );
    const invocations = points.find((p) => p.metric.name === names[0]) as SumPoint;
    expect(invocations).toMatchObject({
      type: 'sum',
      monotonic: true,
      value: 42,
      attributes: { function_name: 'checkout' },
    });
    expect(invocations.metric.resource.attributes).toMatchObject({ 'service.name': 'lambda' });
    expect(points.find((p) => p.metric.name === names[1]) as GaugePoint).toMatchObject({
      type: 'gauge',
      value: 3,
    });
    const buckets = points
      .filter((p) => p.metric.name === names[2])
      .map((p) => [(p as SumPoint).attributes.le, (p as SumPoint).value]);
    expect(new Map(buckets as [string, number][])).toEqual(
      new Map([
        ['0.1', 1],
        ['1', 2],
        ['+Inf', 3],
      ]),
    );
    expect(points.find((p) => p.metric.name === names[3])).toMatchObject({ type: 'sum', value: 3 });
  });
});
