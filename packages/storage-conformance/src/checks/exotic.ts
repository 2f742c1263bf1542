import type { Span } from '@firefly/model';
import { randomBatchId } from '../fixtures/ids.js';
import { exoticMetricPoints } from '../fixtures/metrics.js';
import { emptySpans, exoticAttributeSpans, zeroIdSpans } from '../fixtures/spans.js';
import type { ConformanceTarget } from '../target.js';
import { defineCheck } from './check.js';
import { expectStoredPoints, expectStoredSpans, withAdapter, writeMetrics, writeSpans } from './session.js';

async function storeSpans(target: ConformanceTarget, spans: Span[], label: string): Promise<void> {
  await withAdapter(target, (adapter) => writeSpans(adapter, { id: randomBatchId(label), spans }));
}

export const exoticSpanValues = defineCheck(
  'exotic values',
  'keeps exotic attribute values (escapes, NUL, non-BMP, 4 KiB, int64 limits, NaN, ±Infinity, -0, all 256 bytes, nested arrays and kvlists, null, empty and __proto__ keys) and exotic strings in every span field',
  async (target) => {
    const spans = exoticAttributeSpans();
    await storeSpans(target, spans, 'exotic-spans');
    await expectStoredSpans(target, spans, 'exotic span values were not kept exactly');
  },
);

export const zeroIds = defineCheck(
  'exotic values',
  'keeps all-zero trace, span, parent and link ids, and root spans with parentSpanId ""',
  async (target) => {
    const spans = zeroIdSpans();
    await storeSpans(target, spans, 'zero-ids');
    // Every run writes into the all-zero trace, so only this run's spans are compared.
    await expectStoredSpans(target, spans, 'spans with all-zero ids were not kept exactly', {
      onlyWritten: true,
    });
  },
);

export const emptyMaps = defineCheck(
  'exotic values',
  'keeps empty attribute maps and empty strings in spans, events, links, resources and scopes',
  async (target) => {
    const spans = emptySpans();
    await storeSpans(target, spans, 'empty-maps');
    await expectStoredSpans(target, spans, 'spans with empty attribute maps were not kept exactly');
  },
);

export const exoticMetricValues = defineCheck(
  'exotic values',
  'keeps NaN, ±Infinity, -0 and double extremes, int64 and uint64 limits, extreme offsets, zero exemplar ids, exotic attributes and exotic metric names, descriptions and units',
  async (target) => {
    const points = exoticMetricPoints();
    await withAdapter(target, (adapter) =>
      writeMetrics(adapter, { id: randomBatchId('exotic-metrics'), points }),
    );
    await expectStoredPoints(target, points, 'exotic metric values were not kept exactly');
  },
);
