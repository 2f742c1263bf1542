// A consumer that stored a batch but never committed it (it crashed, was fenced, or its process
// was killed) leaves the batch to whoever reads the partition next. That reader fetches from the
// commit and would cut the records differently, so storage would see a new batch id and store them
// again; the boundary committed before the write makes it cut the same batch, which storage drops.
import type { ClickHouseStorage } from '@firefly/clickhouse-storage';
import type { Span } from '@firefly/model';
import { StorageError } from '@firefly/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bufferConfig,
  committedVersusEnd,
  HookedStorage,
  kafkaPipeline,
  spanCounts,
  testStorage,
  traceSpans,
  until,
} from '../../test-support/kafka-buffer.js';

let storage: ClickHouseStorage;
beforeAll(async () => {
  storage = await testStorage();
});
afterAll(() => storage.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('replays after a consumer stopped between the storage write and the commit', () => {
  it('store every span exactly once', async () => {
    const config = bufferConfig({ partitions: 2 }, { batchMaxItems: 40, batchTimeoutMs: 50 });
    const producer = kafkaPipeline(config).pipeline;
    await producer.start();
    const sent: Span[] = [];
    const send = async (traces: number) => {
      const spans = Array.from({ length: traces }, () => traceSpans(10)).flat();
      sent.push(...spans);
      await producer.submitSpans(spans);
    };

    // The first consumer stores its third batch, then goes down before committing it.
    let crashed: string | undefined;
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const crashing = new HookedStorage(storage, async (batch, write) => {
      const result = await write();
      if (crashing.spanBatchIds.length < 3 || crashed !== undefined) return result;
      crashed = batch.id;
      await released;
      throw new StorageError('CLOSED', 'hooked', 'went down before the commit');
    });
    const first = kafkaPipeline(config, crashing);
    await first.pipeline.start();
    // One trace at a time: the first consumer's batches are single records.
    while (crashed === undefined) {
      await send(1);
      await sleep(150);
      if (sent.length > 300) throw new Error('the first consumer never reached its third write');
    }
    const stopped = first.pipeline.stop(15_000);
    await sleep(200);
    release();
    await stopped;

    const rowsAfterCrash = await spanCounts(storage);
    // More records behind the uncommitted batch: read from its start, they would join it.
    await send(20);
    const resuming = new HookedStorage(storage);
    const second = kafkaPipeline(config, resuming);
    await second.pipeline.start();
    try {
      await until('every partition committed to its end', 60_000, async () => {
        const offsets = await committedVersusEnd(config.kafka.groupId, config.kafka.topics.traces);
        return offsets.every((p) => p.committed === p.end || p.end === '0') ? offsets : undefined;
      });
      const counts = await spanCounts(storage);
      expect(counts).toEqual({ rows: sent.length, distinct: sent.length });
      // The crashed batch was written twice with the same id, and stored once.
      expect(rowsAfterCrash.rows).toBeGreaterThan(0);
      expect(resuming.spanBatchIds).toContain(crashed);
      expect(second.logger.lines).toContainEqual(
        expect.objectContaining({
          level: 'info',
          message: expect.stringContaining('resuming a batch left pending'),
        }),
      );
    } finally {
      await second.pipeline.stop(10_000);
      await producer.stop(10_000);
    }
  });
});
