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
  kafkaAdmin,
  kafkaPipeline,
  spanCounts,
  testStorage,
  traceSpans,
  unique,
  until,
} from '../../test-support/kafka-buffer.js';
import type { CollectorConfig } from '../config/schema.js';
import type { KafkaBufferTuning } from './config.js';

let storage: ClickHouseStorage;
beforeAll(async () => {
  storage = await testStorage();
});
afterAll(() => storage.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A consuming pipeline whose storage stores its `nth` batch and then fails as if the process had
 * died: `crashed` resolves with that batch's id once it is stored, and `stop()` then takes the
 * pipeline down without committing it.
 */
async function crashingConsumer(config: CollectorConfig, nth: number) {
  let crashedWith!: (id: string) => void;
  const crashed = new Promise<string>((resolve) => {
    crashedWith = resolve;
  });
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let done = false;
  const hooked = new HookedStorage(storage, async (batch, write) => {
    const result = await write();
    if (hooked.spanBatchIds.length < nth || done) return result;
    done = true;
    crashedWith(batch.id);
    await released;
    throw new StorageError('CLOSED', 'hooked', 'went down before the commit');
  });
  const consumer = kafkaPipeline(config, hooked);
  await consumer.pipeline.start();
  return {
    crashed,
    isDone: () => done,
    async stop() {
      const stopped = consumer.pipeline.stop(15_000);
      // The batch fails once stop() is under way, so the pipeline does not try it again itself.
      await sleep(200);
      release();
      await stopped;
    },
  };
}

/** Resumes with a healthy consumer; resolves once every partition is committed to its end. */
async function resume(config: CollectorConfig, tuning: Partial<KafkaBufferTuning> = {}) {
  const resuming = new HookedStorage(storage);
  const consumer = kafkaPipeline(config, resuming, tuning);
  await consumer.pipeline.start();
  try {
    await until('every partition committed to its end', 60_000, async () => {
      const offsets = await committedVersusEnd(config.kafka.groupId, config.kafka.topics.traces);
      return offsets.every((p) => p.committed === p.end || p.end === '0') ? offsets : undefined;
    });
  } finally {
    await consumer.pipeline.stop(10_000);
  }
  return { batchIds: resuming.spanBatchIds, log: consumer.logger.lines };
}

describe('replays after a consumer stopped between the storage write and the commit', () => {
  it('store every span exactly once, though later fetches would cut the records differently', async () => {
    const config = bufferConfig({ partitions: 2 }, { batchMaxItems: 40, batchTimeoutMs: 50 });
    const initial = await spanCounts(storage);
    const producer = kafkaPipeline(config).pipeline;
    await producer.start();
    const sent: Span[] = [];
    const send = async (traces: number) => {
      const spans = Array.from({ length: traces }, () => traceSpans(10)).flat();
      sent.push(...spans);
      await producer.submitSpans(spans);
    };
    const first = await crashingConsumer(config, 3);
    // One trace at a time: the first consumer's batches are single records.
    while (!first.isDone()) {
      await send(1);
      await sleep(150);
      if (sent.length > 300) throw new Error('the first consumer never reached its third write');
    }
    const crashedId = await first.crashed;
    await first.stop();
    const storedBefore = await spanCounts(storage);
    // More records behind the uncommitted batch: read from its start, they would join it.
    await send(20);
    await producer.stop(10_000);

    const resumed = await resume(config);
    const counts = await spanCounts(storage);
    expect(storedBefore.rows - initial.rows).toBeGreaterThanOrEqual(30);
    expect(counts.rows - initial.rows).toBe(sent.length);
    expect(counts.distinct - initial.distinct).toBe(sent.length);
    // The crashed batch was written again with the same id, and stored once.
    expect(resumed.batchIds).toContain(crashedId);
    expect(resumed.log).toContainEqual(
      expect.objectContaining({
        level: 'info',
        message: expect.stringContaining('resuming a batch left pending'),
      }),
    );
  });

  it('store every span exactly once when the pending batch takes several fetches to read again', async () => {
    const config = bufferConfig({ partitions: 1 }, { batchMaxItems: 50, batchTimeoutMs: 50 });
    const producer = kafkaPipeline(config).pipeline;
    await producer.start();
    const sent: Span[] = [];
    // Twelve produce requests, so twelve record batches in the log, all there before consuming.
    for (let i = 0; i < 12; i += 1) {
      const spans = traceSpans(10);
      sent.push(...spans);
      await producer.submitSpans(spans);
    }
    await producer.stop(10_000);
    const before = await spanCounts(storage);

    const first = await crashingConsumer(config, 1);
    const crashedId = await first.crashed;
    await first.stop();
    // The first batch held five records; now each fetch returns one record batch only.
    expect(crashedId).toMatch(/\/0\/0-4@\d+$/);
    const resumed = await resume(config, { maxBytesPerPartition: 1 });

    const counts = await spanCounts(storage);
    expect(counts.rows - before.rows).toBe(sent.length);
    expect(counts.distinct - before.distinct).toBe(sent.length);
    expect(resumed.batchIds[0]).toBe(crashedId);
  });
});

describe('batch ids after the offsets started again', () => {
  it('differ for a topic deleted and created again, so storage does not drop its records as replays', async () => {
    const config = bufferConfig({ partitions: 1 });
    const { traces, metrics, deadLetter } = config.kafka.topics;
    const batchIds: string[][] = [];
    const generations = [traceSpans(3), traceSpans(3)];
    for (const spans of generations) {
      // A group of its own each time, as on a new cluster: nothing committed yet.
      const run = { ...config, kafka: { ...config.kafka, groupId: unique('writers') } };
      const hooked = new HookedStorage(storage);
      const consumer = kafkaPipeline(run, hooked);
      await consumer.pipeline.start();
      try {
        await consumer.pipeline.submitSpans(spans);
        await until('the record committed', 30_000, async () => {
          const [partition] = await committedVersusEnd(run.kafka.groupId, traces);
          return partition?.end === '1' && partition.committed === '1' ? true : undefined;
        });
      } finally {
        await consumer.pipeline.stop(10_000);
      }
      batchIds.push(hooked.spanBatchIds);
      await deleteTopics([traces, metrics, deadLetter]);
    }
    for (const spans of generations) {
      expect(await storage.reader.spansOfTraces([spans[0]?.traceId as string])).toHaveLength(3);
    }
    // Both generations' only record is offset 0 of partition 0; its timestamp sets them apart.
    const [[first], [second]] = batchIds as [string[], string[]];
    expect(first).toMatch(new RegExp(`^kafka:${traces}/0/0-0@\\d+$`));
    expect(second).toMatch(new RegExp(`^kafka:${traces}/0/0-0@\\d+$`));
    expect(second).not.toBe(first);
  });
});

/** Deletes topics and waits until the broker no longer lists them, so they can be created anew. */
async function deleteTopics(topics: string[]): Promise<void> {
  const admin = kafkaAdmin().admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics });
    await until('the topics deleted', 30_000, async () => {
      const listed = await admin.listTopics();
      return topics.some((topic) => listed.includes(topic)) ? undefined : true;
    });
  } finally {
    await admin.disconnect();
  }
}
