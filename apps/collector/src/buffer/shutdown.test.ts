import type { ClickHouseStorage } from '@firefly/clickhouse-storage';
import { StorageError } from '@firefly/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bufferConfig,
  committedVersusEnd,
  HookedStorage,
  kafkaPipeline,
  partitionsWithRecords,
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

describe('stop() while storage is down', () => {
  it('returns by its deadline, commits nothing unwritten, and the next consumer stores each span once', async () => {
    const config = bufferConfig({}, { batchMaxItems: 10_000 });
    const { traces } = config.kafka.topics;
    const producer = kafkaPipeline(config).pipeline;
    await producer.start();
    const spans = Array.from({ length: 20 }, () => traceSpans(5)).flat();
    await producer.submitSpans(spans);
    await producer.stop(5_000);

    // Stop once every partition with records has had a batch refused: each then has one to give up.
    const withRecords = await partitionsWithRecords(traces);
    let failing!: () => void;
    const failed = new Promise<void>((resolve) => {
      failing = resolve;
    });
    const attempted = new Set<string>();
    const down = new HookedStorage(storage, async (batch) => {
      attempted.add(batch.id.split('/')[1] as string);
      if (attempted.size >= withRecords.length) failing();
      throw new StorageError('UNAVAILABLE', 'hooked', 'ClickHouse is down');
    });
    const first = kafkaPipeline(config, down, { partitionsConsumedConcurrently: config.kafka.partitions });
    await first.pipeline.start();
    await failed;
    const stopping = Date.now();
    await first.pipeline.stop(2_000);
    const took = Date.now() - stopping;
    expect(took).toBeGreaterThanOrEqual(1_000);
    expect(took).toBeLessThan(2_500);
    expect(first.logger.lines).toContainEqual(
      expect.objectContaining({ message: expect.stringContaining('shutdown deadline') }),
    );

    // Each partition with records is committed at its start, with the boundary of the batch given up.
    const left = (await committedVersusEnd(config.kafka.groupId, traces)).filter((p) => p.end !== '0');
    expect(left.length).toBeGreaterThan(1);
    for (const partition of left) {
      expect(partition.committed).toBe('0');
      expect(partition.metadata).toBe(`firefly-batch:0-${BigInt(partition.end) - 1n}`);
    }
    expect(await spanCounts(storage)).toEqual({ rows: 0, distinct: 0 });

    const up = new HookedStorage(storage);
    const second = kafkaPipeline(config, up);
    await second.pipeline.start();
    try {
      await until('every partition committed to its end', 30_000, async () => {
        const offsets = await committedVersusEnd(config.kafka.groupId, traces);
        return offsets.every((p) => p.committed === p.end || p.end === '0') ? true : undefined;
      });
      expect(await spanCounts(storage)).toEqual({ rows: spans.length, distinct: spans.length });
      expect(up.spanBatchIds.sort()).toEqual(
        down.spanBatchIds.filter((id, i, all) => all.indexOf(id) === i).sort(),
      );
    } finally {
      await second.pipeline.stop(5_000);
    }
  });
});
