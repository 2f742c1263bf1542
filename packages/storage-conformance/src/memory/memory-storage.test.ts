import { StorageError } from '@firefly/storage';
import { describe, expect, it } from 'vitest';
import { exampleSpans } from '../fixtures/spans.js';
import { MemoryBackend } from './memory-backend.js';
import { MemoryStorage } from './memory-storage.js';

// What the conformance suite does not pin down, but the reference adapter promises.

async function rejection(operation: Promise<unknown>): Promise<StorageError> {
  const error = await operation.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(StorageError);
  return error as StorageError;
}

describe('MemoryStorage', () => {
  it('refuses writes before migrate() with a permanent SCHEMA error', async () => {
    const adapter = new MemoryStorage();
    const error = await rejection(adapter.writeSpans({ id: 'b', spans: exampleSpans() }));
    expect(error).toMatchObject({ code: 'SCHEMA', retryable: false, backend: 'memory' });
    expect(await adapter.health()).toMatchObject({
      healthy: false,
      detail: 'memory backend schema is missing: run migrate()',
    });
  });

  it('refuses a batch with a malformed id as INVALID_DATA, naming the span and field, storing none of it', async () => {
    const backend = new MemoryBackend();
    const adapter = new MemoryStorage(backend);
    await adapter.migrate();
    const spans = exampleSpans();
    const bad = spans.map((span, i) => (i === 2 ? { ...span, parentSpanId: 'ABC' } : span));
    const error = await rejection(adapter.writeSpans({ id: 'kafka:t/0/1-7', spans: bad }));
    expect(error).toMatchObject({ code: 'INVALID_DATA', retryable: false });
    expect(error.message).toBe(
      'span 2 of batch "kafka:t/0/1-7": parentSpanId "ABC" is not 16 lowercase hex digits',
    );
    expect(backend.countSpans([spans[0]?.traceId ?? ''])).toBe(0);
    // The id was not used up by the refused batch: the corrected batch is stored.
    await adapter.writeSpans({ id: 'kafka:t/0/1-7', spans });
    expect(backend.countSpans([spans[0]?.traceId ?? ''])).toBe(spans.length);
  });

  it('stores copies: changing written or read objects afterwards changes nothing stored', async () => {
    const backend = new MemoryBackend();
    const adapter = new MemoryStorage(backend);
    await adapter.migrate();
    const spans = exampleSpans();
    const traceId = spans[0]?.traceId ?? '';
    await adapter.writeSpans({ id: 'copy', spans });
    (spans[0] as { name: string }).name = 'changed after the write';
    const [read] = backend.readSpans([traceId]);
    (read as { name: string }).name = 'changed after the read';
    (read?.resource.attributes as Record<string, unknown>)['service.name'] = 'changed';
    const [again] = backend.readSpans([traceId]);
    expect(again?.name).toBe('POST /orders');
    expect(again?.resource.serviceName).toBe('checkout');
    expect(again?.resource.attributes['service.name']).toBe('checkout');
  });

  it('applies each migration once across adapters migrating at the same moment', async () => {
    const backend = new MemoryBackend();
    const reports = await Promise.all([1, 2, 3].map(() => new MemoryStorage(backend).migrate()));
    expect(reports.flatMap((report) => report.applied)).toEqual([
      '0001_spans',
      '0002_metric_points',
      '0003_batch_ids',
    ]);
    expect(new Set(reports.map((report) => report.version))).toEqual(new Set(['0003_batch_ids']));
  });

  it('once closed, reports unhealthy and refuses migrate() as CLOSED', async () => {
    const adapter = new MemoryStorage();
    await adapter.migrate();
    expect(await adapter.health()).toMatchObject({
      healthy: true,
      detail: 'memory backend reachable, schema 0003_batch_ids',
    });
    await adapter.close();
    expect(await adapter.health()).toMatchObject({ healthy: false, detail: 'the adapter is closed' });
    expect(await rejection(adapter.migrate())).toMatchObject({ code: 'CLOSED', retryable: false });
  });
});
