import type { MetricPoint, MetricPointType } from '@firefly/model';
import { randomBatchId } from '../fixtures/ids.js';
import { exampleMetricPoints } from '../fixtures/metrics.js';
import { exampleSpans } from '../fixtures/spans.js';
import type { ConformanceTarget } from '../target.js';
import { type ConformanceCheck, defineCheck } from './check.js';
import { expectStoredPoints, expectStoredSpans, withAdapter, writeMetrics, writeSpans } from './session.js';

export const spanFidelity = defineCheck(
  'fidelity',
  'stores every span field: ids, trace state, flags with remote bits, every kind, status, events, links, dropped counts, resource and scope, times of 0n and to the nanosecond',
  async (target) => {
    const spans = exampleSpans();
    await withAdapter(target, (adapter) => writeSpans(adapter, { id: randomBatchId('spans'), spans }));
    await expectStoredSpans(target, spans, 'spans read back differ from the spans written');
  },
);

function pointFidelity(type: MetricPointType, title: string): ConformanceCheck {
  return defineCheck('fidelity', title, async (target) => {
    const points = exampleMetricPoints().filter((point) => point.type === type);
    await storeAndCompare(target, points, `${type} points read back differ from the points written`);
  });
}

async function storeAndCompare(
  target: ConformanceTarget,
  points: MetricPoint[],
  summary: string,
): Promise<void> {
  await withAdapter(target, (adapter) => writeMetrics(adapter, { id: randomBatchId('metrics'), points }));
  await expectStoredPoints(target, points, summary);
}

export const gaugeFidelity = pointFidelity(
  'gauge',
  'stores gauge points: number and bigint values, start time 0n, flags, exemplars with and without ids, metric description, unit and metadata, one name from two resources',
);

export const sumFidelity = pointFidelity(
  'sum',
  'stores sum points: number and bigint values, every temporality, monotonic or not, flags, exemplars',
);

export const histogramFidelity = pointFidelity(
  'histogram',
  'stores histogram points: bounds and bucket counts (also none), sum, min and max present or undefined',
);

export const exponentialHistogramFidelity = pointFidelity(
  'exponential_histogram',
  'stores exponential histogram points: scale (negative too), zero count and threshold, positive and negative buckets with negative offsets or none',
);

export const summaryFidelity = pointFidelity(
  'summary',
  'stores summary points: count, sum, quantiles (also none) and named statistics',
);

export const mixedMetricBatch = defineCheck(
  'fidelity',
  'stores a batch mixing every point type, resource and scope',
  async (target) => {
    await storeAndCompare(target, exampleMetricPoints(), 'points read back differ from the points written');
  },
);
