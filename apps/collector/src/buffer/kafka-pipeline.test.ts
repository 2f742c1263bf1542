import type { ClickHouseStorage } from '@firefly/clickhouse-storage';
import type { Span } from '@firefly/model';
import { decodeMetricsProtobuf, decodeTracesProtobuf } from '@firefly/otlp-codec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bufferConfig,
  byMetricName,
  bySpanId,
  committedVersusEnd,
  HookedStorage,
  hex,
  kafkaPipeline,
  metricPoints,
  readTopic,
  spanCounts,
  testStorage,
  traceSpans,
  until,
} from '../../test-support/kafka-buffer.js';
import { PipelineError } from '../pipeline/pipeline.js';

let storage: ClickHouseStorage;
beforeAll(async () => {
  storage = await testStorage();
});
afterAll(() => storage.close());

describe('KafkaPipeline, receivers → Kafka → storage', () => {
  it('stores submitted spans and points field for field, and says it is ready', async () => {
    const config = bufferConfig();
    const { pipeline, metrics } = kafkaPipeline(config, storage);
    await pipeline.start();
    try {
      const traces = Array.from({ length: 8 }, () => traceSpans(6));
      const spans = traces.flat();
      const prefix = `m${hex(4)}`;
      const points = [...metricPoints(prefix), ...metricPoints(prefix)];
      await Promise.all([pipeline.submitSpans(spans.slice(0, 20)), pipeline.submitPoints(points)]);
      await pipeline.submitSpans(spans.slice(20));

      const traceIds = traces.map((t) => t[0]?.traceId ?? '');
      const stored = await until('spans stored', 60_000, async () => {
        const found = await storage.reader.spansOfTraces(traceIds);
        return found.length >= spans.length ? found : undefined;
      });
      expect(stored.sort(bySpanId)).toEqual([...spans].sort(bySpanId));
      const names = [...new Set(points.map((p) => p.metric.name))];
      const storedPoints = await until('points stored', 60_000, async () => {
        const found = await storage.reader.metricPoints(names);
        return found.length >= points.length ? found : undefined;
      });
      expect(storedPoints.sort(byMetricName)).toEqual([...points].sort(byMetricName));

      const readiness = await pipeline.readiness();
      expect(readiness.ready).toBe(true);
      expect(readiness.checks).toEqual({
        kafka: { ok: true, detail: expect.stringContaining('3 topics, 9 partitions') },
        consumer: { ok: true, detail: expect.stringContaining(config.kafka.groupId) },
        storage: { ok: true, detail: expect.stringContaining('otel_traces exists') },
        writes: { ok: true, detail: 'no write waits for a configuration fix' },
      });
      const exposed = await metrics.registry.metrics();
      expect(exposed).toMatch(
        new RegExp(
          `firefly_kafka_produce_duration_seconds_count\\{topic="${config.kafka.topics.traces.replace('.', '\\.')}"\\} [1-9]`,
        ),
      );
      expect(exposed).toMatch(/firefly_kafka_consumer_lag\{topic="[^"]+",partition="\d"\} 0/);
    } finally {
      await pipeline.stop(10_000);
    }
  });

  it('puts every span of a trace on one partition, one record per trace and submission', async () => {
    const config = bufferConfig({ partitions: 4 });
    const { pipeline } = kafkaPipeline(config);
    await pipeline.start();
    const traces = Array.from({ length: 12 }, () => traceSpans(9));
    // Three submissions, each with a third of every trace, as spans of one trace arrive over time.
    for (let part = 0; part < 3; part += 1) {
      await pipeline.submitSpans(traces.flatMap((t) => t.slice(part * 3, part * 3 + 3)));
    }
    const prefix = `k${hex(4)}`;
    await pipeline.submitPoints([...metricPoints(prefix), ...metricPoints(prefix)]);
    await pipeline.stop(10_000);

    const records = await readTopic(config.kafka.topics.traces, 36);
    const partitionOf = new Map<string, Set<number>>();
    const spans: Span[] = [];
    for (const { partition, message } of records) {
      const key = message.key?.toString() ?? '';
      const decoded = decodeTracesProtobuf(message.value ?? Buffer.alloc(0)).spans;
      expect(decoded).toHaveLength(3);
      expect(decoded.every((span) => span.traceId === key)).toBe(true);
      partitionOf.set(key, (partitionOf.get(key) ?? new Set()).add(partition));
      spans.push(...decoded);
    }
    expect([...partitionOf.values()].map((set) => set.size)).toEqual(Array(12).fill(1));
    // Twelve traces spread over more than one of the four partitions.
    expect(new Set([...partitionOf.values()].flatMap((set) => [...set])).size).toBeGreaterThan(1);
    expect(spans.sort(bySpanId)).toEqual(traces.flat().sort(bySpanId));

    const metricRecords = await readTopic(config.kafka.topics.metrics, 5);
    for (const { message } of metricRecords) {
      const points = decodeMetricsProtobuf(message.value ?? Buffer.alloc(0)).points;
      expect(points).toHaveLength(2);
      expect(points.every((p) => p.metric.name === message.key?.toString())).toBe(true);
    }
  });

  it('refuses with SATURATED beyond the in-flight budget, and with STOPPED after stop', async () => {
    const config = bufferConfig();
    const { pipeline } = kafkaPipeline(config, undefined, { maxInFlightBytes: 2_000 });
    await pipeline.start();
    const first = pipeline.submitSpans(traceSpans(10));
    const second = pipeline.submitSpans(traceSpans(10)).catch((error: unknown) => error);
    await expect(first).resolves.toBeUndefined();
    const refused = await second;
    expect(refused).toBeInstanceOf(PipelineError);
    expect(refused).toMatchObject({ code: 'SATURATED', retryAfterSeconds: 7 });
    // Once acknowledged, the budget is free again.
    await expect(pipeline.submitSpans(traceSpans(10))).resolves.toBeUndefined();

    const stopped = pipeline.stop(10_000);
    expect(pipeline.stop(10_000)).toBe(stopped);
    await stopped;
    await expect(pipeline.submitSpans(traceSpans(1))).rejects.toMatchObject({ code: 'STOPPED' });
    expect((await pipeline.readiness()).ready).toBe(false);
  });

  it('on stop, finishes the batches being written and commits to the end of every partition', async () => {
    const config = bufferConfig({}, { batchMaxItems: 10_000 });
    const { traces } = config.kafka.topics;
    // Everything is in Kafka before the consumer starts.
    const producer = kafkaPipeline(config).pipeline;
    await producer.start();
    const spans = Array.from({ length: 30 }, () => traceSpans(7)).flat();
    await producer.submitSpans(spans);
    await producer.stop(10_000);
    const withData = (await committedVersusEnd(config.kafka.groupId, traces)).filter((p) => p.end !== '0');
    expect(withData.length).toBeGreaterThan(1);

    let writing!: () => void;
    const allWriting = new Promise<void>((resolve) => {
      writing = resolve;
    });
    const partitionsWriting = new Set<string>();
    const slow = new HookedStorage(storage, async (batch, write) => {
      partitionsWriting.add(batch.id.split('/')[1] ?? '');
      if (partitionsWriting.size === withData.length) writing();
      // Still writing when stop() is called: stop must wait for it and then commit.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      return write();
    });
    const before = await spanCounts(storage);
    const { pipeline } = kafkaPipeline(config, slow);
    await pipeline.start();
    await allWriting;
    const stopping = Date.now();
    await pipeline.stop(20_000);
    expect(Date.now() - stopping).toBeGreaterThanOrEqual(500);

    const after = await spanCounts(storage);
    expect(after.rows - before.rows).toBe(spans.length);
    const offsets = await committedVersusEnd(config.kafka.groupId, traces);
    for (const partition of offsets) {
      expect(partition.end === '0' ? '-1' : partition.end).toBe(partition.committed);
    }
  });
});
