import { type SpanBatch, type StorageAdapter, StorageError, type WriteResult } from '@firefly/storage';
import { describe, expect, it } from 'vitest';
import { counterValue, lambdaSpans } from '../../test-support/receivers.js';
import { CollectorMetrics } from '../telemetry/metrics.js';
import { StorageWriter } from './storage-writer.js';

/** An adapter whose span writes all go through `write`; nothing else is used here. */
function failingAdapter(write: (batch: SpanBatch) => Promise<WriteResult>): StorageAdapter {
  const unused = () => Promise.reject(new Error('not used in this test'));
  return {
    name: 'fake',
    migrate: unused,
    writeSpans: write,
    writeMetrics: unused,
    health: () => Promise.resolve({ healthy: true, detail: 'fake', latencyMs: 0 }),
    close: () => Promise.resolve(),
  };
}

describe('the storage writer', () => {
  it('makes no further attempt once stop() cuts a backoff short', async () => {
    let attempts = 0;
    const down = new StorageError('UNAVAILABLE', 'fake', 'connection refused');
    const adapter = failingAdapter(async () => {
      attempts += 1;
      throw down;
    });
    const writer = new StorageWriter(adapter, new CollectorMetrics(), { initialBackoffMs: 60_000 });
    const written = writer.writeSpans('a', lambdaSpans(1));
    written.catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(attempts).toBe(1);
    writer.stop();
    // Another attempt against unreachable storage could last a whole request timeout.
    await expect(written).rejects.toBe(down);
    expect(attempts).toBe(1);
  });

  it('counts SCHEMA as retried, and names how many batches wait for configuration', async () => {
    const metrics = new CollectorMetrics();
    const adapter = failingAdapter(async () => {
      throw new StorageError('SCHEMA', 'fake', 'database late does not exist');
    });
    const writer = new StorageWriter(adapter, metrics, { initialBackoffMs: 10, maxBackoffMs: 10 });
    const first = writer.writeSpans('a', lambdaSpans(1));
    first.catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(writer.status()).toEqual({
      ok: false,
      detail: '1 batch waits until storage is configured: SCHEMA: database late does not exist',
    });
    const second = writer.writeSpans('b', lambdaSpans(1));
    second.catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(writer.status().detail).toMatch(/^2 batches wait until storage is configured: SCHEMA: /);
    expect(
      await counterValue(metrics, 'firefly_storage_errors_total', { code: 'SCHEMA', retried: 'true' }),
    ).toBeGreaterThanOrEqual(2);

    writer.stop();
    await expect(first).rejects.toMatchObject({ code: 'SCHEMA' });
    await expect(second).rejects.toMatchObject({ code: 'SCHEMA' });
    expect(writer.status()).toEqual({ ok: true, detail: 'no write waits for a configuration fix' });
  });

  it('gives up at once on data storage refuses, counted as not retried', async () => {
    const metrics = new CollectorMetrics();
    let attempts = 0;
    const adapter = failingAdapter(async () => {
      attempts += 1;
      throw new StorageError('INVALID_DATA', 'fake', 'a value the schema cannot hold');
    });
    const writer = new StorageWriter(adapter, metrics, { initialBackoffMs: 10 });
    await expect(writer.writeSpans('a', lambdaSpans(1))).rejects.toMatchObject({ code: 'INVALID_DATA' });
    expect(attempts).toBe(1);
    expect(
      await counterValue(metrics, 'firefly_storage_errors_total', { code: 'INVALID_DATA', retried: 'false' }),
    ).toBe(1);
  });
});
