import type { MetricPoint, Span } from '@firefly/model';
import { describe, expect, it } from 'vitest';
import { exampleMetricPoints } from '../fixtures/metrics.js';
import { exampleSpans } from '../fixtures/spans.js';
import { diffMetricPoints, diffSpans } from './match.js';

/** A copy that shares nothing with the original: resources and scopes are copied per span. */
function separateCopies<T>(items: readonly T[]): T[] {
  return items.map((item) => structuredClone(item));
}

describe('diffSpans', () => {
  it('ignores order and compares resources and scopes by value', () => {
    const spans = exampleSpans();
    expect(diffSpans(spans, separateCopies(spans).reverse())).toEqual([]);
  });

  it('reports a span stored twice, one missing, and one not written', () => {
    const [a, b, c] = exampleSpans() as [Span, Span, Span];
    const stranger = { ...c, spanId: 'ffffffffffffffff' };
    expect(diffSpans([a, b, c], [a, a, c, stranger])).toEqual([
      `span ${a.traceId}/${a.spanId}: stored twice, expected once`,
      `span ${b.traceId}/${b.spanId}: missing`,
      `unexpected span ${c.traceId}/ffffffffffffffff`,
    ]);
  });

  it('lists field differences under the span that has them', () => {
    const [root] = exampleSpans() as [Span];
    const read = { ...structuredClone(root), droppedEventsCount: 0 };
    read.events[1] = { ...(read.events[1] as Span['events'][number]), name: 'renamed' };
    expect(diffSpans([root], [read])).toEqual([
      `span ${root.traceId}/${root.spanId}.events[1].name: expected "exception" (string), got "renamed" (string)`,
      `span ${root.traceId}/${root.spanId}.droppedEventsCount: expected 3 (number), got 0 (number)`,
    ]);
  });
});

describe('diffMetricPoints', () => {
  it('matches points of one metric in any order', () => {
    const points = exampleMetricPoints();
    expect(diffMetricPoints(points, separateCopies(points).reverse())).toEqual([]);
  });

  it('pairs unequal points of one metric by time, so the difference names the field', () => {
    const points = exampleMetricPoints().filter((point) => point.type === 'histogram');
    const read = separateCopies(points).reverse() as Extract<MetricPoint, { type: 'histogram' }>[];
    for (const point of read) point.sum ??= 0;
    const name = JSON.stringify(points[0]?.metric.name);
    expect(diffMetricPoints(points, read)).toEqual([
      `histogram point of ${name} at ${points[1]?.timeUnixNano}.sum: expected undefined, got 0 (number)`,
    ]);
  });

  it('reports a point stored once more than written among several of its metric', () => {
    const points = exampleMetricPoints().filter((point) => point.type === 'summary');
    const [first] = points as [MetricPoint];
    expect(diffMetricPoints(points, [...points, structuredClone(first)])).toEqual([
      `summary points of ${JSON.stringify(first.metric.name)}: stored 4 times, expected 3 times`,
    ]);
  });
});
