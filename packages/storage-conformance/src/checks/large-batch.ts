import { ConformanceError } from '../errors.js';
import { randomBatchId } from '../fixtures/ids.js';
import { generateSpans } from '../fixtures/spans.js';
import { defineCheck } from './check.js';
import { countSpans, expectStoredSpans, withAdapter, writeSpans } from './session.js';

const SPANS_PER_TRACE = 1_000;

export const largeBatch = defineCheck(
  'large batches',
  (options) =>
    `one batch of ${options.largeBatchSpans.toLocaleString('en')} spans stores exactly that many, and spot checks match field for field`,
  async (target, options) => {
    const spans = generateSpans(options.largeBatchSpans, { spansPerTrace: SPANS_PER_TRACE });
    await withAdapter(target, (adapter) => writeSpans(adapter, { id: randomBatchId('large'), spans }));
    const traceIds = [...new Set(spans.map((span) => span.traceId))];
    const stored = await countSpans(target, traceIds);
    if (stored !== spans.length) {
      const change =
        stored < spans.length ? `${spans.length - stored} lost` : `${stored - spans.length} extra`;
      throw new ConformanceError(
        `${target.name}: a batch of ${spans.length} spans left ${stored} stored (${change}) in its ${traceIds.length} traces`,
      );
    }
    // First, middle and last trace: truncation and reordering show at the edges.
    const sampled = new Set([traceIds[0], traceIds[Math.floor(traceIds.length / 2)], traceIds.at(-1)]);
    const expected = spans.filter((span) => sampled.has(span.traceId));
    await expectStoredSpans(target, expected, 'spans of a large batch differ from the spans written');
  },
);
