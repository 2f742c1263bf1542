import { ClickHouseStorage } from '@firefly/clickhouse-storage';
import { encodeTracesProtobuf } from '@firefly/otlp-codec';
import { StorageError } from '@firefly/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bufferConfig,
  bySpanId,
  committedVersusEnd,
  HookedStorage,
  kafkaAdmin,
  kafkaPipeline,
  readTopic,
  spanCounts,
  stack,
  testStorage,
  traceSpans,
  unique,
  until,
} from '../../test-support/kafka-buffer.js';
import { DEAD_LETTER_HEADERS } from './dead-letter.js';

let storage: ClickHouseStorage;
beforeAll(async () => {
  storage = await testStorage();
});
afterAll(() => storage.close());

const header = (headers: Record<string, unknown> | undefined, name: string) => String(headers?.[name]);

const letterOf = (
  letters: Awaited<ReturnType<typeof readTopic>>,
  topic: string,
  offset: string | undefined,
) =>
  letters.find(
    ({ message }) =>
      header(message.headers, DEAD_LETTER_HEADERS.topic) === topic &&
      header(message.headers, DEAD_LETTER_HEADERS.offset) === offset,
  )?.message;

async function committedToEnd(groupId: string, topics: readonly string[]): Promise<void> {
  for (const topic of topics) {
    await until(`${topic} committed to its end`, 30_000, async () => {
      const found = await committedVersusEnd(groupId, topic);
      return found.every((p) => p.committed === p.end || p.end === '0') ? found : undefined;
    });
  }
}

describe('records that cannot be stored', () => {
  it('go to the dead-letter topic when undecodable, with where they came from and why, and never block their partition', async () => {
    const config = bufferConfig();
    const { traces, metrics: metricsTopic, deadLetter } = config.kafka.topics;
    const { pipeline, metrics } = kafkaPipeline(config, storage);
    await pipeline.start();
    const producer = kafkaAdmin().producer();
    await producer.connect();
    try {
      const garbage = Buffer.from('definitely not an OTLP export request');
      const [spanGarbage] = await producer.send({
        topic: traces,
        messages: [{ key: 'junk', value: garbage, partition: 0, headers: { origin: 'a test' } }],
      });
      const [pointGarbage] = await producer.send({
        topic: metricsTopic,
        messages: [{ value: Buffer.alloc(0), partition: 1 }],
      });
      // Good records behind the garbage on the same partition, and more through the pipeline.
      const behind = traceSpans(4);
      await producer.send({
        topic: traces,
        messages: [
          { key: behind[0]?.traceId ?? '', value: Buffer.from(encodeTracesProtobuf(behind)), partition: 0 },
        ],
      });
      const later = Array.from({ length: 10 }, () => traceSpans(5)).flat();
      await pipeline.submitSpans(later);

      const expected = [...behind, ...later];
      const stored = await until('good spans stored', 30_000, async () => {
        const found = await storage.reader.spansOfTraces([...new Set(expected.map((s) => s.traceId))]);
        return found.length >= expected.length ? found : undefined;
      });
      expect(stored.sort(bySpanId)).toEqual([...expected].sort(bySpanId));

      const letters = await readTopic(deadLetter, 2);
      const junk = letterOf(letters, traces, spanGarbage?.baseOffset);
      expect(junk?.value).toEqual(garbage);
      expect(junk?.key?.toString()).toBe('junk');
      expect(junk?.headers).toMatchObject({
        origin: Buffer.from('a test'),
        [DEAD_LETTER_HEADERS.partition]: Buffer.from('0'),
        [DEAD_LETTER_HEADERS.reason]: Buffer.from('undecodable'),
      });
      expect(header(junk?.headers, DEAD_LETTER_HEADERS.error)).toMatch(
        /^not an OTLP protobuf export request: /,
      );
      const empty = letterOf(letters, metricsTopic, pointGarbage?.baseOffset);
      expect(header(empty?.headers, DEAD_LETTER_HEADERS.partition)).toBe('1');
      expect(header(empty?.headers, DEAD_LETTER_HEADERS.code)).toBe('EMPTY');

      const counted = (await metrics.deadLettered.get()).values;
      expect(counted).toHaveLength(2);
      expect(counted).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ labels: { topic: traces, reason: 'undecodable' }, value: 1 }),
          expect.objectContaining({ labels: { topic: metricsTopic, reason: 'undecodable' }, value: 1 }),
        ]),
      );
      // Dead-lettered records are done with: the group committed past them.
      await committedToEnd(config.kafka.groupId, [traces, metricsTopic]);
    } finally {
      await producer.disconnect();
      await pipeline.stop(10_000);
    }
  });

  it('go to the dead-letter topic when storage refuses their data, alone when it refuses their values', async () => {
    const config = bufferConfig();
    const { traces, deadLetter } = config.kafka.topics;
    const setup = kafkaPipeline(config).pipeline;
    await setup.start(); // creates the topics
    await setup.stop(5_000);
    // Storage refuses any batch with a "poison" span (its values) or a "malformed" one (all of it).
    const refusing = new HookedStorage(storage, async (batch, write) => {
      if (batch.spans.some((span) => span.name === 'poison')) {
        throw new StorageError('INVALID_DATA', 'hooked', 'poison is a value the schema cannot hold');
      }
      if (batch.spans.some((span) => span.name === 'malformed')) {
        throw new StorageError('INVALID_BATCH', 'hooked', 'the batch cannot be stored as it is');
      }
      return write();
    });
    // Kafka timestamps of our choosing (a millisecond apart), so the batch ids can be predicted.
    const sentAt = Date.now() - 60_000;
    const record = (spans: ReturnType<typeof traceSpans>, partition: number, i = 0) => ({
      key: spans[0]?.traceId ?? '',
      value: Buffer.from(encodeTracesProtobuf(spans)),
      partition,
      timestamp: String(sentAt + i),
    });
    const good = Array.from({ length: 6 }, () => traceSpans(3));
    const poison = traceSpans(2, undefined, 'poison');
    const malformed = traceSpans(2, undefined, 'malformed');
    const beside = traceSpans(3);
    const producer = kafkaAdmin().producer();
    await producer.connect();
    // Sent before the consumer starts, so each partition's records make one batch.
    const [sent0] = await producer.send({
      topic: traces,
      messages: [...good.slice(0, 3), poison, ...good.slice(3)].map((spans, i) => record(spans, 0, i)),
    });
    const [sent1] = await producer.send({
      topic: traces,
      messages: [record(beside, 1), record(malformed, 1)],
    });
    await producer.disconnect();

    const { pipeline, metrics } = kafkaPipeline(config, refusing);
    await pipeline.start();
    try {
      const letters = await readTopic(deadLetter, 3);
      await committedToEnd(config.kafka.groupId, [traces]);
      const expected = good.flat();
      const stored = await storage.reader.spansOfTraces(expected.map((s) => s.traceId));
      expect(stored.sort(bySpanId)).toEqual([...expected].sort(bySpanId));

      const poisoned = letterOf(letters, traces, String(BigInt(sent0?.baseOffset ?? '') + 3n));
      expect(poisoned?.key?.toString()).toBe(poison[0]?.traceId);
      expect(header(poisoned?.headers, DEAD_LETTER_HEADERS.reason)).toBe('permanent_storage_error');
      expect(header(poisoned?.headers, DEAD_LETTER_HEADERS.code)).toBe('INVALID_DATA');
      expect(header(poisoned?.headers, DEAD_LETTER_HEADERS.error)).toContain('poison is a value');
      // A refusal of the whole batch (not of its values) sends all of it.
      const refusedWhole = [0n, 1n].map((i) =>
        letterOf(letters, traces, String(BigInt(sent1?.baseOffset ?? '') + i)),
      );
      expect(refusedWhole.map((m) => m?.key?.toString())).toEqual([
        beside[0]?.traceId,
        malformed[0]?.traceId,
      ]);
      expect(refusedWhole.map((m) => header(m?.headers, DEAD_LETTER_HEADERS.code))).toEqual([
        'INVALID_BATCH',
        'INVALID_BATCH',
      ]);
      expect((await metrics.deadLettered.get()).values).toEqual([
        expect.objectContaining({ labels: { topic: traces, reason: 'permanent_storage_error' }, value: 3 }),
      ]);
      // Halves of the refused batch were written under ids of their own ranges, each with the
      // timestamp of its own first record.
      const base = BigInt(sent0?.baseOffset ?? '');
      expect(refusing.spanBatchIds).toEqual(
        expect.arrayContaining([
          `kafka:${traces}/0/${base}-${base + 6n}@${sentAt}`,
          `kafka:${traces}/0/${base}-${base + 3n}@${sentAt}`,
          `kafka:${traces}/0/${base + 4n}-${base + 6n}@${sentAt + 4}`,
        ]),
      );
    } finally {
      await pipeline.stop(10_000);
    }
  });
});

describe('records storage refuses until its configuration is fixed', () => {
  it('are retried, never dead-lettered, while the schema is missing, and stored once it exists', async () => {
    const config = bufferConfig();
    const { traces, deadLetter } = config.kafka.topics;
    // A database nobody migrated yet: every insert fails with SCHEMA (UNKNOWN_DATABASE).
    const late = new ClickHouseStorage({ url: stack().clickhouseUrl, database: unique('late'), ttlDays: 0 });
    const { pipeline, metrics } = kafkaPipeline(config, late);
    await pipeline.start();
    try {
      const spans = Array.from({ length: 4 }, () => traceSpans(3)).flat();
      await pipeline.submitSpans(spans);
      await until('three refused attempts', 30_000, async () => {
        const { values } = await metrics.storageErrors.get();
        const refused = values.find((v) => v.labels.code === 'SCHEMA')?.value ?? 0;
        return refused >= 3 ? refused : undefined;
      });
      const waiting = await pipeline.readiness();
      expect(waiting.ready).toBe(false);
      expect(waiting.checks.writes).toEqual({
        ok: false,
        detail: expect.stringMatching(
          /^(1 batch waits|([2-9]|\d{2,}) batches wait) until storage is configured: SCHEMA: /,
        ),
      });
      // Nothing was set aside, nor committed past.
      expect(await topicEnds(deadLetter)).toEqual(['0', '0', '0']);
      expect(
        (await committedVersusEnd(config.kafka.groupId, traces)).filter(
          (p) => p.committed === p.end && p.end !== '0',
        ),
      ).toEqual([]);

      await late.migrate();
      await committedToEnd(config.kafka.groupId, [traces]);
      // Counted in the span table itself: a retry landing after migration 0001 created it, but
      // before 0002 created the trace id view, is stored yet absent from trace-by-id lookups.
      expect(await spanCounts(late)).toEqual({ rows: spans.length, distinct: spans.length });
      expect((await pipeline.readiness()).checks.writes?.ok).toBe(true);
      expect((await metrics.deadLettered.get()).values).toEqual([]);
      expect(await topicEnds(deadLetter)).toEqual(['0', '0', '0']);
    } finally {
      await pipeline.stop(10_000);
      await late.close();
    }
  });
});

async function topicEnds(topic: string): Promise<string[]> {
  const admin = kafkaAdmin().admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.sort((a, b) => a.partition - b.partition).map((p) => p.high);
  } finally {
    await admin.disconnect();
  }
}
