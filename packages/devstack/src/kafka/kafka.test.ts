import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const MESSAGES = 10_000;
const PARTITIONS = 3;

describe('Kafka from the dev stack', () => {
  const brokers = inject('fireflyStack').kafkaBrokers ?? [];
  const kafka = new Kafka({ clientId: 'devstack-test', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();

  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());

  it('is a real Apache Kafka 4 KRaft node reachable with kafkajs', async () => {
    expect(brokers).toHaveLength(1);
    const cluster = await admin.describeCluster();
    expect(cluster.brokers).toEqual([expect.objectContaining({ nodeId: 1 })]);
    expect(cluster.controller).toBe(1);
    expect(cluster.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it(`creates a topic, then produces and consumes ${MESSAGES} messages in order per key`, async () => {
    const topic = `devstack-roundtrip-${Date.now()}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions).toHaveLength(PARTITIONS);

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let start = 0; start < MESSAGES; start += 1_000) {
      const messages = Array.from({ length: 1_000 }, (_, i) => ({
        key: `key-${(start + i) % 7}`,
        value: JSON.stringify({ seq: start + i }),
      }));
      await producer.send({ topic, acks: -1, messages });
    }
    await producer.disconnect();

    const received = new Map<string, number[]>();
    let total = 0;
    const consumer = kafka.consumer({ groupId: `${topic}-group` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((done, fail) => {
      consumer
        .run({
          eachMessage: async ({ message }) => {
            const key = message.key?.toString() ?? '';
            const seq = (JSON.parse(message.value?.toString() ?? '{}') as { seq: number }).seq;
            received.set(key, [...(received.get(key) ?? []), seq]);
            total += 1;
            if (total === MESSAGES) done();
          },
        })
        .catch(fail);
    });
    await consumer.disconnect();

    expect(total).toBe(MESSAGES);
    expect(received.size).toBe(7);
    const all = [...received.values()].flat().sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: MESSAGES }, (_, i) => i));
    // One key always lands on one partition, so each key's messages arrive in production order.
    for (const seqs of received.values()) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));

    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets.reduce((sum, p) => sum + Number(p.high), 0)).toBe(MESSAGES);
  });
});
