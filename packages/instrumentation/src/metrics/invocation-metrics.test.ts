import type { HistogramPoint, MetricPoint, SumPoint } from '@firefly/model';
import { describe, expect, it } from 'vitest';
import { InvocationMetrics, type InvocationRecord } from './invocation-metrics.js';

const resource = { attributes: {}, droppedAttributesCount: 0, schemaUrl: '', serviceName: 'checkout' };
const scope = {
  name: '@firefly/instrumentation',
  version: '0',
  attributes: {},
  droppedAttributesCount: 0,
  schemaUrl: '',
};
const MIB = 1024 * 1024;

function record(overrides: Partial<InvocationRecord> = {}): InvocationRecord {
  return {
    trigger: 'http',
    outcome: 'success',
    durationMs: 30,
    coldStart: false,
    initDurationMs: undefined,
    ...overrides,
  };
}

function byName(points: MetricPoint[], name: string, trigger = 'http') {
  return points.find((point) => point.metric.name === name && point.attributes['faas.trigger'] === trigger);
}

describe('InvocationMetrics', () => {
  it('counts outcomes per trigger and buckets durations, init time and memory', () => {
    const metrics = new InvocationMetrics(resource, scope, 'delta', 1n);
    metrics.record(record({ coldStart: true, initDurationMs: 180, durationMs: 40 }));
    metrics.record(record({ outcome: 'error', durationMs: 2 }));
    metrics.record(record({ outcome: 'timeout', durationMs: 2000 }));
    metrics.record(record({ trigger: 'pubsub' }));
    const points = metrics.collect(600 * MIB);
    expect((byName(points, 'faas.invocations') as SumPoint).value).toBe(1n);
    expect((byName(points, 'faas.invocations', 'pubsub') as SumPoint).value).toBe(1n);
    expect((byName(points, 'faas.errors') as SumPoint).value).toBe(1n);
    expect((byName(points, 'faas.timeouts') as SumPoint).value).toBe(1n);
    expect((byName(points, 'faas.coldstarts') as SumPoint).value).toBe(1n);
    const duration = byName(points, 'faas.invoke_duration') as HistogramPoint;
    expect(duration).toMatchObject({ count: 3n, min: 0.002, max: 2 });
    expect(duration.sum).toBeCloseTo(2.042);
    expect(duration.metric.unit).toBe('s');
    // 0.002 s ≤ 0.005; 0.04 s ≤ 0.05; 2 s ≤ 2.5
    const bucketOf = (seconds: number) => duration.explicitBounds.findIndex((bound) => seconds <= bound);
    expect(duration.bucketCounts[bucketOf(0.002)]).toBe(1n);
    expect(duration.bucketCounts[bucketOf(0.04)]).toBe(1n);
    expect(duration.bucketCounts[bucketOf(2)]).toBe(1n);
    expect(duration.bucketCounts.reduce((a, b) => a + b)).toBe(3n);
    expect((byName(points, 'faas.init_duration') as HistogramPoint).sum).toBeCloseTo(0.18);
    const memory = byName(points, 'faas.mem_usage') as HistogramPoint;
    expect(memory.metric.unit).toBe('By');
    expect(memory).toMatchObject({ count: 3n, max: 600 * MIB });
  });

  it('delta: sends each contribution once, periods back to back', () => {
    const metrics = new InvocationMetrics(resource, scope, 'delta', 1n);
    metrics.record(record());
    const first = metrics.collect();
    metrics.record(record());
    const second = metrics.collect();
    expect(metrics.collect()).toEqual([]);
    const a = byName(first, 'faas.invocations') as SumPoint;
    const b = byName(second, 'faas.invocations') as SumPoint;
    expect([a.value, b.value, a.temporality]).toEqual([1n, 1n, 1]);
    expect(a.startTimeUnixNano).toBe(1n);
    expect(b.startTimeUnixNano).toBe(a.timeUnixNano);
    expect(b.timeUnixNano).toBeGreaterThanOrEqual(b.startTimeUnixNano);
  });

  it('cumulative: running totals from the environment start', () => {
    const metrics = new InvocationMetrics(resource, scope, 'cumulative', 7n);
    metrics.record(record());
    metrics.collect();
    metrics.record(record({ durationMs: 10 }));
    const points = metrics.collect();
    const invocations = byName(points, 'faas.invocations') as SumPoint;
    expect([invocations.value, invocations.temporality, invocations.startTimeUnixNano]).toEqual([2n, 2, 7n]);
    expect((byName(points, 'faas.invoke_duration') as HistogramPoint).count).toBe(2n);
  });
});
