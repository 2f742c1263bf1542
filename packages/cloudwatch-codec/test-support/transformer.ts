// The README's transformation Lambda, kept here so a test runs it.
import { encodeMetricsProtobuf } from '@firefly/otlp-codec';
import {
  buildTransformationResponse,
  decodeMetricStream,
  decodeTransformationEvent,
  type TransformationOutcome,
} from '../src/index.js';

export async function handler(event: unknown) {
  const { records } = decodeTransformationEvent(event);
  const outcomes = records.map(({ recordId, data }): TransformationOutcome => {
    const { points, rejected } = decodeMetricStream([data], 'json');
    if (points.length === 0) return { recordId, result: rejected > 0 ? 'ProcessingFailed' : 'Dropped' };
    return { recordId, result: 'Ok', data: encodeMetricsProtobuf(points) };
  });
  return buildTransformationResponse(records, outcomes).response;
}
