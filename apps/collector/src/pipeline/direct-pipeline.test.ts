import { ClickHouseStorage } from '@firefly/clickhouse-storage';
import { freePort } from '@firefly/devstack';
import { encodeTracesProtobuf } from '@firefly/otlp-codec';
import { StorageError } from '@firefly/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stack, unique, until } from '../../test-support/collector.js';
import { HookedStorage, spanCounts } from '../../test-support/kafka-buffer.js';
import {
  bySpanId,
  counterValue,
  lambdaSpans,
  testCollector,
  testStorage,
} from '../../test-support/receivers.js';
import { StorageWriter } from '../exporter/storage-writer.js';
import { CollectorMetrics } from '../telemetry/metrics.js';
import { DirectPipeline } from './direct-pipeline.js';

let storage: ClickHouseStorage;
beforeAll(async () => {
  storage = await testStorage();
});
afterAll(() => storage.close());

/** A DirectPipeline over `adapter` whose log is kept, with quick retries and batches. */
function directPipeline(adapter: ConstructorParameters<typeof StorageWriter>[0]) {
  const metrics = new CollectorMetrics();
  const lines: string[] = [];
  const writer = new StorageWriter(adapter, metrics, { initialBackoffMs: 50, maxBackoffMs: 400 });
  const pipeline = new DirectPipeline(writer, metrics, {
    capacity: 1_000,
    batchMaxItems: 100,
    batchTimeoutMs: 20,
    retryAfterSeconds: 5,
    log: (_fields, message) => lines.push(message),
  });
  return { pipeline, metrics, lines };
}

const PROTOBUF = { 'content-type': 'application/x-protobuf' };

describe('the direct pipeline', () => {
  it('takes a submission larger than the whole queue when nothing else is held', async () => {
    const collector = testCollector(storage, {
      config: { pipeline: { queueCapacity: 3, batchTimeoutMs: 60_000 } },
    });
    const post = (payload: Uint8Array) =>
      collector.app.inject({
        method: 'POST',
        url: '/v1/traces',
        headers: PROTOBUF,
        payload: Buffer.from(payload),
      });
    const large = lambdaSpans(5);
    // Refused whatever the wait, it would never get in: the sender would retry it forever.
    expect((await post(encodeTracesProtobuf(large))).statusCode).toBe(200);
    // While it is held, the queue is over full: the next one waits.
    const next = await post(encodeTracesProtobuf(lambdaSpans(1)));
    expect(next.statusCode).toBe(429);
    await collector.stop();
    const stored = await storage.reader.spansOfTraces([large[0]?.traceId as string]);
    expect(bySpanId(stored)).toEqual(bySpanId(large));
  });

  it('keeps retrying a batch refused for a missing schema until it exists, unready meanwhile', async () => {
    // A database nobody migrated yet: every insert fails with SCHEMA (UNKNOWN_DATABASE).
    const unmigrated = new ClickHouseStorage({
      url: stack().clickhouseUrl,
      database: unique('late'),
      ttlDays: 0,
    });
    const { pipeline, metrics, lines } = directPipeline(unmigrated);
    const spans = lambdaSpans(7);
    try {
      await pipeline.submitSpans(spans);
      await until('three refused attempts', 30_000, async () => {
        const refused = await counterValue(metrics, 'firefly_storage_errors_total', {
          code: 'SCHEMA',
          retried: 'true',
        });
        return refused >= 3 ? refused : undefined;
      });
      const waiting = await pipeline.readiness();
      expect(waiting.ready).toBe(false);
      expect(waiting.checks.writes).toEqual({
        ok: false,
        detail: expect.stringMatching(/^1 batch waits until storage is configured: SCHEMA: /),
      });
      expect(waiting.checks.queue?.detail).toMatch(/^7 items held/);

      await unmigrated.migrate();
      // Counted in the span table itself: a retry may land after migration 0001 created it but
      // before 0002 created the trace id view, which trace-by-id lookups go through.
      const stored = await until('spans stored once migrated', 30_000, async () => {
        const counts = await spanCounts(unmigrated);
        return counts.rows >= spans.length ? counts : undefined;
      });
      expect(stored).toEqual({ rows: spans.length, distinct: spans.length });
      // The rows show before the insert's response is back: until then the batch still waits.
      const ready = await until('ready once the insert returned', 10_000, async () => {
        const readiness = await pipeline.readiness();
        return readiness.ready ? readiness : undefined;
      });
      expect(ready.checks.writes).toEqual({ ok: true, detail: 'no write waits for a configuration fix' });
      expect(lines).toEqual([]);
    } finally {
      await pipeline.stop(5_000);
      await unmigrated.close();
    }
  });

  it('says why a batch was dropped: refused for its data, or retries cut short at shutdown', async () => {
    const refusing = new HookedStorage(storage, async () => {
      throw new StorageError('INVALID_DATA', 'hooked', 'a value the schema cannot hold');
    });
    const refused = directPipeline(refusing);
    await refused.pipeline.submitSpans(lambdaSpans(2));
    await refused.pipeline.stop(5_000);
    expect(refused.lines).toEqual(['batch dropped: storage refused its data']);

    const down = new ClickHouseStorage({ url: `http://127.0.0.1:${await freePort()}` });
    const unreachable = directPipeline(down);
    await unreachable.pipeline.submitSpans(lambdaSpans(2));
    await until('a failed attempt', 10_000, async () =>
      (await unreachable.metrics.storageErrors.get()).values.length > 0 ? true : undefined,
    );
    await unreachable.pipeline.stop(300);
    await until('the batch dropped', 5_000, async () => (unreachable.lines.length >= 2 ? true : undefined));
    expect(unreachable.lines).toEqual([
      'shutdown deadline reached: items still queued are lost',
      'batch dropped: the shutdown deadline cut its retries short',
    ]);
    await down.close();
  });
});
