import type { Exemplar, MetricPoint } from '@firefly/model';
import { idProblem } from './ids.js';

/** Why a decoded data point cannot be stored, or undefined if it is valid. */
export function pointProblem(point: MetricPoint): string | undefined {
  if (point.metric.name === '') return 'the metric has no name';
  switch (point.type) {
    case 'gauge':
    case 'sum':
      if (point.value === undefined) return 'it has neither as_double nor as_int';
      break;
    case 'histogram':
      if (point.bucketCounts.length > 0 && point.bucketCounts.length !== point.explicitBounds.length + 1) {
        return `it has ${point.bucketCounts.length} bucket counts for ${point.explicitBounds.length} bounds (expected bounds + 1)`;
      }
      break;
    default:
      break;
  }
  return 'exemplars' in point ? exemplarProblem(point.exemplars) : undefined;
}

function exemplarProblem(exemplars: Exemplar[]): string | undefined {
  for (let i = 0; i < exemplars.length; i++) {
    const exemplar = exemplars[i] as Exemplar;
    const problem =
      idProblem(`exemplar ${i} trace_id`, exemplar.traceId, 16, true) ??
      idProblem(`exemplar ${i} span_id`, exemplar.spanId, 8, true);
    if (problem !== undefined) return problem;
  }
  return undefined;
}
