// The official OpenTelemetry JS OTLP exporters (protobuf and JSON, traces and metrics) send to a
// running collector, in direct mode and in Kafka mode; everything they sent is read back from the
// real ClickHouse and compared field by field with what the SDK recorded.

import type { HistogramPoint, Span, SumPoint } from '@firefly/model';
import { type HrTime, type Attributes as OtelAttributes, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedPoints, storedSpans, testCollector, unique } from '../../test-support/collector.js';
import type { Collector } from '../collector.js';

const nanos = ([s, ns]: HrTime) => BigInt(s) * 1_000_000_000n + BigInt(ns);

/** What the OTLP transformer makes of an SDK attribute value: integers become int64. */
function modelAttributes(attributes: OtelAttributes): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attributes)) {
    out[key] =
      typeof value === 'number' && Number.isInteger(value)
        ? BigInt(value)
        : Array.isArray(value)
          ? value.map((v) => (typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : v))
          : value;
  }
  return out;
}

function expectSameSpan(stored: Span, sdk: ReadableSpan): void {
  expect(stored).toMatchObject({
    traceId: sdk.spanContext().traceId,
    spanId: sdk.spanContext().spanId,
    parentSpanId: sdk.parentSpanContext?.spanId ?? '',
    name: sdk.name,
    kind: sdk.kind + 1,
    startTimeUnixNano: nanos(sdk.startTime),
    endTimeUnixNano: nanos(sdk.endTime),
    attributes: modelAttributes(sdk.attributes),
    status: { code: sdk.status.code, message: sdk.status.message ?? '' },
    droppedAttributesCount: sdk.droppedAttributesCount,
  });
  expect(stored.events.map((e) => [e.name, e.timeUnixNano, e.attributes])).toEqual(
    sdk.events.map((e) => [e.name, nanos(e.time), modelAttributes(e.attributes ?? {})]),
  );
  expect(stored.links.map((l) => [l.traceId, l.spanId, l.attributes])).toEqual(
    sdk.links.map((l) => [l.context.traceId, l.context.spanId, modelAttributes(l.attributes ?? {})]),
  );
  expect(stored.resource.attributes).toMatchObject(
    modelAttributes(sdk.resource.attributes as OtelAttributes),
  );
  expect(stored.resource.serviceName).toBe('checkout-handler');
  expect(stored.scope).toMatchObject({ name: 'firefly-e2e', version: '1.2.3' });
}

async function sendTraces(exporter: SpanExporter): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'checkout-handler',
      'cloud.region': 'eu-west-1',
      'faas.max_memory': 1024,
    }),
    spanProcessors: [
      new SimpleSpanProcessor(memory),
      new BatchSpanProcessor(exporter, { maxExportBatchSize: 512 }),
    ],
  });
  const tracer = provider.getTracer('firefly-e2e', '1.2.3');
  for (let i = 0; i < 20; i++) {
    const root = tracer.startSpan(`POST /orders/${i}`, {
      kind: SpanKind.SERVER,
      attributes: {
        'faas.trigger': 'http',
        'faas.coldstart': i === 0,
        'http.response.status_code': 200,
        ratio: 0.25,
        tags: ['a', 'b'],
      },
    });
    root.addEvent('cache miss', { key: `order-${i}` });
    const child = tracer.startSpan(
      'SELECT orders',
      { kind: SpanKind.CLIENT, links: [{ context: root.spanContext(), attributes: { why: 'same order' } }] },
      undefined,
    );
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'timeout "db"' });
    child.end();
    root.end();
  }
  await provider.forceFlush();
  await provider.shutdown();
  return memory.getFinishedSpans();
}

for (const mode of ['direct', 'kafka'] as const) {
  describe(`OpenTelemetry exporters → collector (${mode} mode) → ClickHouse`, () => {
    let collector: Collector;
    let url: string;
    beforeAll(async () => {
      collector = testCollector(mode);
      url = await collector.start();
    });
    afterAll(() => collector?.stop());

    for (const [encoding, Exporter] of [
      ['protobuf', ProtoTraceExporter],
      ['JSON', JsonTraceExporter],
    ] as const) {
      it(`traces over OTLP/HTTP ${encoding}: every span stored with equal fields`, async () => {
        const sent = await sendTraces(new Exporter({ url: `${url}/v1/traces` }));
        const traceIds = [...new Set(sent.map((s) => s.spanContext().traceId))];
        const stored = await storedSpans(collector, traceIds, sent.length);
        expect(stored).toHaveLength(sent.length);
        const byId = new Map(stored.map((s) => [s.spanId, s]));
        for (const span of sent) expectSameSpan(byId.get(span.spanContext().spanId) as Span, span);
      });
    }

    for (const [encoding, Exporter] of [
      ['protobuf', ProtoMetricExporter],
      ['JSON', JsonMetricExporter],
    ] as const) {
      it(`metrics over OTLP/HTTP ${encoding}: counter, up-down counter, histogram and gauge stored`, async () => {
        const prefix = unique('m');
        const exporter = new Exporter({
          url: `${url}/v1/metrics`,
          temporalityPreference: AggregationTemporality.CUMULATIVE,
        });
        const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
        const provider = new MeterProvider({
          resource: resourceFromAttributes({ 'service.name': 'checkout-handler' }),
          readers: [reader],
        });
        const meter = provider.getMeter('firefly-e2e', '1.2.3');
        meter.createCounter(`${prefix}.invocations`).add(41, { function: 'checkout' });
        meter.createUpDownCounter(`${prefix}.concurrency`).add(-3);
        const duration = meter.createHistogram(`${prefix}.duration`, {
          unit: 'ms',
          advice: { explicitBucketBoundaries: [10, 100] },
        });
        for (const ms of [5, 50, 500, 7]) duration.record(ms, { function: 'checkout' });
        meter.createObservableGauge(`${prefix}.memory`).addCallback((result) => result.observe(128.5));
        await provider.forceFlush();
        await provider.shutdown();

        const names = ['invocations', 'concurrency', 'duration', 'memory'].map((n) => `${prefix}.${n}`);
        // The SDK exports on forceFlush and again on shutdown: wait for every name, not for 4 points.
        const points = await storedPoints(collector, names, (p) =>
          names.every((n) => p.some((x) => x.metric.name === n)),
        );
        const byName = new Map(points.map((p) => [p.metric.name, p]));
        expect(byName.get(`${prefix}.invocations`)).toMatchObject({
          type: 'sum',
          value: 41,
          monotonic: true,
          temporality: 2,
          attributes: { function: 'checkout' },
        });
        expect(byName.get(`${prefix}.concurrency`)).toMatchObject({
          type: 'sum',
          value: -3,
          monotonic: false,
        });
        const histogram = byName.get(`${prefix}.duration`) as HistogramPoint;
        expect(histogram).toMatchObject({
          type: 'histogram',
          count: 4n,
          sum: 562,
          min: 5,
          max: 500,
          explicitBounds: [10, 100],
          bucketCounts: [2n, 1n, 1n],
        });
        expect(histogram.metric).toMatchObject({
          unit: 'ms',
          scope: { name: 'firefly-e2e', version: '1.2.3' },
        });
        expect(byName.get(`${prefix}.memory`)).toMatchObject({ type: 'gauge', value: 128.5 });
        expect((byName.get(`${prefix}.invocations`) as SumPoint).metric.resource.serviceName).toBe(
          'checkout-handler',
        );
      });
    }
  });
}
