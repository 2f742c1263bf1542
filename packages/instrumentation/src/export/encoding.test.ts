import { gunzipSync } from 'node:zlib';
import type { MetricPoint } from '@firefly/model';
import { decodeMetrics, decodeTraces } from '@firefly/otlp-codec';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import type { ExportTarget } from '../config/config.js';
import type { Compression, OtlpProtocol } from '../config/options.js';
import { InvocationMetrics, nowUnixNano } from '../metrics/invocation-metrics.js';
import { pointEncoder, spanEncoder } from './encoding.js';
import { SpanConverter } from './to-model.js';

function target(protocol: OtlpProtocol, compression: Compression): ExportTarget {
  return { url: new URL('http://collector/v1/traces'), headers: {}, protocol, compression, timeoutMs: 1000 };
}

function items() {
  const converter = new SpanConverter();
  const resource = resourceFromAttributes({ 'service.name': 'checkout', 'cloud.region': 'eu-west-1' });
  const memory = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({
    resource,
    spanProcessors: [new SimpleSpanProcessor(memory)],
  }).getTracer('test', '1.0.0');
  tracer.startSpan('GET /orders', { attributes: { 'http.response.status_code': 200, retried: true } }).end();
  tracer.startSpan('child').end();
  const metrics = new InvocationMetrics(
    converter.resource(resource),
    converter.scope({ name: 'test' }),
    'delta',
    nowUnixNano(),
  );
  metrics.record({
    trigger: 'http',
    outcome: 'success',
    durationMs: 12,
    coldStart: true,
    initDurationMs: 90,
  });
  metrics.record({
    trigger: 'pubsub',
    outcome: 'error',
    durationMs: 3,
    coldStart: false,
    initDurationMs: undefined,
  });
  return {
    spans: memory.getFinishedSpans().map((span) => converter.convert(span)),
    points: metrics.collect(64 * 1024 * 1024),
  };
}

function sorted(points: MetricPoint[]): MetricPoint[] {
  const key = (point: MetricPoint) => `${point.metric.name} ${String(point.attributes['faas.trigger'])}`;
  return [...points].sort((a, b) => key(a).localeCompare(key(b)));
}

const GZIP_MAGIC = [0x1f, 0x8b];

describe('the encoders loaded at setup', () => {
  const { spans, points } = items();
  for (const protocol of ['http/protobuf', 'http/json'] as const) {
    for (const compression of ['none', 'gzip'] as const) {
      it(`${protocol}, ${compression}: a body the OTLP decoder reads back to the same spans and points`, async () => {
        const encoding = protocol === 'http/json' ? 'json' : 'protobuf';
        const spanBody = (await spanEncoder(target(protocol, compression)))(spans);
        const pointBody = (await pointEncoder(target(protocol, compression)))(points);
        for (const body of [spanBody, pointBody])
          expect([...body.subarray(0, 2)].join() === GZIP_MAGIC.join()).toBe(compression === 'gzip');
        const plain = (body: Uint8Array) => (compression === 'gzip' ? gunzipSync(body) : body);
        if (encoding === 'json')
          expect(Buffer.from(plain(spanBody)).toString()).toMatch(/^\{"resourceSpans":/);
        const decodedSpans = decodeTraces(plain(spanBody), encoding);
        expect(decodedSpans.rejectedSpans).toBe(0);
        expect(decodedSpans.spans).toEqual(spans);
        const decodedPoints = decodeMetrics(plain(pointBody), encoding);
        // Points come back grouped by metric.
        expect(sorted(decodedPoints.points)).toEqual(sorted(points));
      });
    }
  }
});
