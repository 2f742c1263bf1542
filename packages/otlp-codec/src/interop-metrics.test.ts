import { createRequire } from 'node:module';
import type { MetricPoint } from '@firefly/model';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { expectedPoints, sdkMetrics } from '../test-support/sdk-metrics.js';
import {
  decodeMetricsJson,
  decodeMetricsProtobuf,
  encodeMetricsJson,
  encodeMetricsProtobuf,
} from './index.js';

const reference = createRequire(import.meta.url)('otlp-protobufjs-reference/build/src/generated/root.js');
const ExportMetricsServiceRequest =
  reference.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
const canonical = (bytes: Uint8Array) =>
  ExportMetricsServiceRequest.toObject(ExportMetricsServiceRequest.decode(bytes), {
    longs: String,
    bytes: String,
    defaults: true,
  });

function withoutMetric(point: MetricPoint) {
  const { metric: _metric, ...rest } = point;
  return rest;
}

function checkAgainstSdk(collected: ResourceMetrics, points: MetricPoint[]) {
  const sdkMetricsList = collected.scopeMetrics.flatMap((scope) => scope.metrics.map((m) => ({ scope, m })));
  expect(new Set(points.map((p) => p.metric.name))).toEqual(
    new Set(sdkMetricsList.map(({ m }) => m.descriptor.name)),
  );
  for (const { scope, m } of sdkMetricsList) {
    const ours = points.filter((p) => p.metric.name === m.descriptor.name);
    expect(ours.map(withoutMetric)).toEqual(expectedPoints(m));
    for (const point of ours) {
      expect(point.metric).toMatchObject({ description: m.descriptor.description, unit: m.descriptor.unit });
      expect(point.metric.scope).toMatchObject({
        name: scope.scope.name,
        version: scope.scope.version ?? '',
      });
      expect(point.metric.resource.serviceName).toBe('checkout-handler');
    }
  }
}

describe.each(['cumulative', 'delta'] as const)(
  'OTLP metrics from the OpenTelemetry JS SDK (%s)',
  (temporality) => {
    it.each([
      [
        'protobuf',
        (rm: ResourceMetrics) =>
          decodeMetricsProtobuf(ProtobufMetricsSerializer.serializeRequest(rm) as Uint8Array),
      ],
      [
        'JSON',
        (rm: ResourceMetrics) => decodeMetricsJson(JsonMetricsSerializer.serializeRequest(rm) as Uint8Array),
      ],
    ])('decode from %s with every field equal to the SDK data', async (_encoding, decode) => {
      const collected = await sdkMetrics(temporality);
      const { points, rejectedDataPoints } = decode(collected);
      expect(rejectedDataPoints).toBe(0);
      expect(new Set(points.map((p) => p.type))).toEqual(
        new Set(['sum', 'histogram', 'exponential_histogram', 'gauge']),
      );
      checkAgainstSdk(collected, points);
    });

    it('re-encode to protobuf that the official decoder reads exactly like the SDK output', async () => {
      const official = ProtobufMetricsSerializer.serializeRequest(
        await sdkMetrics(temporality),
      ) as Uint8Array;
      const ours = encodeMetricsProtobuf(decodeMetricsProtobuf(official).points);
      expect(canonical(ours)).toEqual(canonical(official));
    });

    it('re-encode to JSON losslessly', async () => {
      const { points } = decodeMetricsProtobuf(
        ProtobufMetricsSerializer.serializeRequest(await sdkMetrics(temporality)) as Uint8Array,
      );
      const again = decodeMetricsJson(encodeMetricsJson(points)).points;
      expect(again.map(withoutMetric)).toEqual(points.map(withoutMetric));
      expect(again.map((p) => p.metric.name)).toEqual(points.map((p) => p.metric.name));
    });
  },
);
