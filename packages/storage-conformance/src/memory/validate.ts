import type { MetricPoint, Span } from '@firefly/model';
import { StorageError } from '@firefly/storage';

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

/**
 * Throws a permanent `INVALID_DATA` error naming the first span whose ids break the model's rules.
 * A real adapter refuses what its schema cannot hold in the same way: before storing anything.
 */
export function validateSpans(backend: string, batchId: string, spans: readonly Span[]): void {
  spans.forEach((span, i) => {
    const where = `span ${i} of batch ${JSON.stringify(batchId)}`;
    checkId(backend, where, 'traceId', span.traceId, TRACE_ID);
    checkId(backend, where, 'spanId', span.spanId, SPAN_ID);
    if (span.parentSpanId !== '') checkId(backend, where, 'parentSpanId', span.parentSpanId, SPAN_ID);
    span.links.forEach((link, j) => {
      checkId(backend, where, `links[${j}].traceId`, link.traceId, TRACE_ID);
      checkId(backend, where, `links[${j}].spanId`, link.spanId, SPAN_ID);
    });
  });
}

/** Throws a permanent `INVALID_DATA` error naming the first point without a metric name or with bad exemplar ids. */
export function validateMetricPoints(backend: string, batchId: string, points: readonly MetricPoint[]): void {
  points.forEach((point, i) => {
    const where = `point ${i} of batch ${JSON.stringify(batchId)}`;
    if (typeof point.metric?.name !== 'string' || point.metric.name === '') {
      throw new StorageError('INVALID_DATA', backend, `${where}: the metric has no name`);
    }
    const exemplars = point.type === 'summary' ? [] : point.exemplars;
    exemplars.forEach((exemplar, j) => {
      if (exemplar.traceId !== '')
        checkId(backend, where, `exemplars[${j}].traceId`, exemplar.traceId, TRACE_ID);
      if (exemplar.spanId !== '') checkId(backend, where, `exemplars[${j}].spanId`, exemplar.spanId, SPAN_ID);
    });
  });
}

function checkId(backend: string, where: string, field: string, value: unknown, shape: RegExp): void {
  if (typeof value !== 'string' || !shape.test(value)) {
    const digits = shape === TRACE_ID ? 32 : 16;
    throw new StorageError(
      'INVALID_DATA',
      backend,
      `${where}: ${field} ${JSON.stringify(value)} is not ${digits} lowercase hex digits`,
    );
  }
}
