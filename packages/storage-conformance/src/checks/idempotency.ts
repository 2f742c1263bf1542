import type { MetricBatch, SpanBatch, StorageAdapter } from '@firefly/storage';
import { ConformanceError } from '../errors.js';
import { randomBatchId, randomMetricPrefix, randomTraceId } from '../fixtures/ids.js';
import { exampleMetricPoints } from '../fixtures/metrics.js';
import { exampleSpans, generateSpans } from '../fixtures/spans.js';
import type { ConformanceTarget } from '../target.js';
import { defineCheck } from './check.js';
import {
  attempt,
  countSpans,
  expectStoredPoints,
  expectStoredSpans,
  withAdapter,
  withAdapters,
  writeMetrics,
  writeSpans,
} from './session.js';

function readPoints(target: ConformanceTarget, names: string[]) {
  return attempt(`${target.name}: readMetricPoints`, () => target.readMetricPoints(names));
}

/**
 * Batches of each kind written between a batch and its retry in the late-retry check: more than
 * the 1,000 recent inserts a window-based deduplication (such as ClickHouse's) is often set to.
 */
export const LATE_RETRY_GAP = 1_100;

interface Batches {
  spans: SpanBatch;
  metrics: MetricBatch;
}

function freshBatches(label: string): Batches {
  return {
    spans: { id: randomBatchId(`${label}-spans`), spans: exampleSpans() },
    metrics: { id: randomBatchId(`${label}-metrics`), points: exampleMetricPoints() },
  };
}

async function writeBoth(adapter: StorageAdapter, batches: Batches): Promise<void> {
  await Promise.all([writeSpans(adapter, batches.spans), writeMetrics(adapter, batches.metrics)]);
}

async function expectStoredOnce(target: ConformanceTarget, batches: Batches, summary: string): Promise<void> {
  await expectStoredSpans(target, batches.spans.spans, summary);
  await expectStoredPoints(target, batches.metrics.points, summary);
}

export const retrySameAdapter = defineCheck(
  'idempotent retries',
  'a batch written twice by one adapter is stored once, and both writes report every item accepted',
  async (target) => {
    const batches = freshBatches('retry');
    await withAdapter(target, async (adapter) => {
      await writeBoth(adapter, batches);
      await writeBoth(adapter, batches);
    });
    await expectStoredOnce(
      target,
      batches,
      'a batch retried by the same adapter was not stored exactly once',
    );
  },
);

export const retryNewAdapter = defineCheck(
  'idempotent retries',
  'a batch retried by a new adapter after the first one closed (a restarted collector) is stored once',
  async (target) => {
    const batches = freshBatches('restart');
    await withAdapter(target, (adapter) => writeBoth(adapter, batches));
    await withAdapter(target, (adapter) => writeBoth(adapter, batches));
    await expectStoredOnce(target, batches, 'a batch retried after a restart was not stored exactly once');
  },
);

export const retryConcurrent = defineCheck(
  'idempotent retries',
  'the same batch written by several adapters at the same moment is stored once, three rounds in a row',
  async (target, options) => {
    await withAdapters(target, options.concurrency, async (adapters) => {
      for (let round = 0; round < 3; round++) {
        const batches = freshBatches(`race-${round}`);
        await Promise.all(adapters.map((adapter) => writeBoth(adapter, batches)));
        await expectStoredOnce(
          target,
          batches,
          `a batch written concurrently (round ${round + 1}) was not stored exactly once`,
        );
      }
    });
  },
);

export const lateRetry = defineCheck(
  'idempotent retries',
  `a span batch and a metric batch retried after ${LATE_RETRY_GAP.toLocaleString('en')} other batches of each kind are still stored once`,
  async (target, options) => {
    const batches = freshBatches('late');
    await withAdapter(target, (adapter) => writeBoth(adapter, batches));
    const gap = gapBatches();
    await withAdapters(target, options.concurrency, (adapters) =>
      Promise.all(
        adapters.map(async (adapter, writer) => {
          for (let i = writer; i < LATE_RETRY_GAP; i += adapters.length) {
            await Promise.all([
              writeSpans(adapter, { id: randomBatchId('gap'), spans: gap.spans.slice(i, i + 1) }),
              writeMetrics(adapter, { id: randomBatchId('gap'), points: gap.points.slice(i, i + 1) }),
            ]);
          }
        }),
      ),
    );
    const storedSpans = await countSpans(target, [gap.traceId]);
    const storedPoints = (await readPoints(target, [gap.metricName])).length;
    if (storedSpans !== LATE_RETRY_GAP || storedPoints !== LATE_RETRY_GAP) {
      throw new ConformanceError(
        `${target.name}: ${LATE_RETRY_GAP} one-span and ${LATE_RETRY_GAP} one-point batches were written but ${storedSpans} spans and ${storedPoints} points are stored`,
      );
    }
    await withAdapter(target, (adapter) => writeBoth(adapter, batches));
    await expectStoredOnce(
      target,
      batches,
      'a batch retried long after it was first written was stored again',
    );
  },
);

/** One-span and one-point batches that fill the backend's memory of recent inserts, per table. */
function gapBatches() {
  const traceId = randomTraceId();
  const spans = generateSpans(LATE_RETRY_GAP).map((span) => ({ ...span, traceId, parentSpanId: '' }));
  const [template] = exampleMetricPoints().filter((point) => point.type === 'gauge');
  if (template === undefined) throw new Error('exampleMetricPoints() has no gauge point');
  const metric = { ...template.metric, name: `${randomMetricPrefix()}.gap` };
  const points = spans.map((_, i) => ({
    ...template,
    metric,
    timeUnixNano: template.timeUnixNano + BigInt(i),
  }));
  return { traceId, spans, metricName: metric.name, points };
}

export const distinctBatches = defineCheck(
  'idempotent retries',
  'two batches with different ids and different data, in one trace and under the same metric names, are both stored',
  async (target) => {
    const spans = exampleSpans();
    const points = exampleMetricPoints();
    const half = (items: readonly unknown[]) => Math.ceil(items.length / 2);
    await withAdapter(target, async (adapter) => {
      await writeSpans(adapter, { id: randomBatchId('first'), spans: spans.slice(0, half(spans)) });
      await writeSpans(adapter, { id: randomBatchId('second'), spans: spans.slice(half(spans)) });
      await writeMetrics(adapter, { id: randomBatchId('first'), points: points.slice(0, half(points)) });
      await writeMetrics(adapter, { id: randomBatchId('second'), points: points.slice(half(points)) });
    });
    await expectStoredSpans(target, spans, 'two distinct batches were not both stored');
    await expectStoredPoints(target, points, 'two distinct batches were not both stored');
  },
);
