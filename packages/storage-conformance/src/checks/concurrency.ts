import type { MetricPoint, Span } from '@firefly/model';
import { randomBatchId } from '../fixtures/ids.js';
import { exampleMetricPoints } from '../fixtures/metrics.js';
import { generateSpans } from '../fixtures/spans.js';
import { defineCheck } from './check.js';
import { expectStoredPoints, expectStoredSpans, withAdapters, writeMetrics, writeSpans } from './session.js';

const BATCHES_PER_WRITER = 5;
const SPANS_PER_BATCH = 200;

export const concurrentWriters = defineCheck(
  'concurrent writers',
  (options) =>
    `${options.concurrency} adapters writing ${BATCHES_PER_WRITER} span and ${BATCHES_PER_WRITER} metric batches each, all at once, lose and double nothing`,
  async (target, options) => {
    const spans: Span[] = [];
    const points: MetricPoint[] = [];
    await withAdapters(target, options.concurrency, (adapters) =>
      Promise.all(
        adapters.flatMap((adapter) =>
          Array.from({ length: BATCHES_PER_WRITER }, () => {
            const batchSpans = generateSpans(SPANS_PER_BATCH, { spansPerTrace: 50 });
            const batchPoints = exampleMetricPoints();
            spans.push(...batchSpans);
            points.push(...batchPoints);
            return Promise.all([
              writeSpans(adapter, { id: randomBatchId('writer-spans'), spans: batchSpans }),
              writeMetrics(adapter, { id: randomBatchId('writer-metrics'), points: batchPoints }),
            ]);
          }),
        ),
      ),
    );
    await expectStoredSpans(target, spans, 'spans written concurrently were lost, doubled or altered');
    await expectStoredPoints(target, points, 'points written concurrently were lost, doubled or altered');
  },
);
