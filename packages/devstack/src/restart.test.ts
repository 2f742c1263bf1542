import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@clickhouse/client';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { startClickHouse } from './clickhouse/server.js';
import { startKafka } from './kafka/server.js';
import { isRunning } from './process/procfs.js';

const root = mkdtempSync(join(tmpdir(), 'firefly-restart-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('data survives a server restart', () => {
  it('ClickHouse keeps MergeTree rows in its folder', async () => {
    const dir = join(root, 'clickhouse');
    const first = await startClickHouse({ dir });
    const before = createClient({ url: first.url });
    await before.command({
      query: 'CREATE TABLE kept (id UInt64, at DateTime64(9)) ENGINE = MergeTree ORDER BY id',
    });
    await before.command({ query: 'INSERT INTO kept SELECT number, now64(9) FROM numbers(12345)' });
    await before.close();
    await first.stop();
    expect(isRunning(first.pid)).toBe(false);

    const second = await startClickHouse({ dir });
    const after = createClient({ url: second.url });
    const result = await after.query({
      query: 'SELECT count() AS n, sum(id) AS s FROM kept',
      format: 'JSONEachRow',
    });
    expect(await result.json()).toEqual([{ n: 12345, s: (12344 * 12345) / 2 }]);
    await after.close();
    await second.stop();
  });

  it('Kafka keeps topics, messages and committed group offsets', async () => {
    const dir = join(root, 'kafka');
    const topic = 'kept';
    const first = await startKafka({ dir });
    const clusterId = first.clusterId;
    const before = new Kafka({ brokers: first.brokers, logLevel: logLevel.NOTHING });
    const producer = before.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: Array.from({ length: 1000 }, (_, i) => ({ value: `m${i}` })),
    });
    await producer.disconnect();
    expect(await consumeAll(before, topic, 'readers', 1000)).toHaveLength(1000);
    await first.stop();
    expect(isRunning(first.pid)).toBe(false);

    const second = await startKafka({ dir });
    expect(second.clusterId).toBe(clusterId);
    const after = new Kafka({ brokers: second.brokers, logLevel: logLevel.NOTHING });
    const admin = after.admin();
    await admin.connect();
    const [committed] = await whileCoordinatorLoads(() =>
      admin.fetchOffsets({ groupId: 'readers', topics: [topic] }),
    );
    expect(committed?.partitions).toEqual([expect.objectContaining({ partition: 0, offset: '1000' })]);
    await admin.disconnect();
    const replay = await consumeAll(after, topic, 'late-readers', 1000);
    expect(replay).toEqual(Array.from({ length: 1000 }, (_, i) => `m${i}`));
    await second.stop();
  });
});

/**
 * Kafka's COORDINATOR_LOAD_IN_PROGRESS (error code 14); kafkajs 2 names it by its pre-2.0 name,
 * GROUP_LOAD_IN_PROGRESS, in `type`, so the protocol code is what identifies it.
 */
const COORDINATOR_LOAD_IN_PROGRESS = 14;

/**
 * Right after a restart the broker may still be loading __consumer_offsets; it answers the
 * retriable COORDINATOR_LOAD_IN_PROGRESS until it is done, and clients are expected to retry.
 */
async function whileCoordinatorLoads<T>(request: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await request();
    } catch (error) {
      const loading = (error as { code?: number }).code === COORDINATOR_LOAD_IN_PROGRESS;
      if (!loading || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

async function consumeAll(kafka: Kafka, topic: string, groupId: string, count: number): Promise<string[]> {
  const values: string[] = [];
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((done, fail) => {
    consumer
      .run({
        eachMessage: async ({ message }) => {
          values.push(message.value?.toString() ?? '');
          if (values.length === count) done();
        },
      })
      .catch(fail);
  });
  await consumer.disconnect(); // commits the offsets consumed so far
  return values;
}
