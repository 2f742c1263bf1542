export type { FirehoseErrorCode } from './errors.js';
export { FirehoseError } from './errors.js';
export { accessKeyMatches } from './firehose/access-key.js';
export { MAX_RECORD_BASE64_LENGTH } from './firehose/base64.js';
export type { FirehoseBody, FirehoseBodyOptions } from './firehose/body.js';
export { decodeFirehoseBody, MAX_FIREHOSE_BODY_BYTES, MAX_FIREHOSE_RECORDS } from './firehose/body.js';
export type { FirehoseHeaders, HttpHeaders } from './firehose/headers.js';
export { readFirehoseHeaders } from './firehose/headers.js';
export type { FirehoseRequest } from './firehose/request.js';
export { decodeFirehoseRequest } from './firehose/request.js';
export type { FirehoseResponseInit } from './firehose/response.js';
export { encodeFirehoseResponse, MAX_ERROR_MESSAGE_LENGTH } from './firehose/response.js';
export { metricStreamArn } from './metric-stream/builder.js';
export { decodeMetricStream } from './metric-stream/decode.js';
export { decodeMetricStreamJson } from './metric-stream/json.js';
export { decodeMetricStreamOtel } from './metric-stream/opentelemetry.js';
export { percentileQuantile } from './metric-stream/statistics.js';
export type { DecodedMetricStream, MetricStreamFormat } from './metric-stream/types.js';
export { ucumUnit } from './metric-stream/units.js';
export type {
  DecodedTransformationEvent,
  KinesisRecordMetadata,
  TransformationEvent,
  TransformationEventRecord,
  TransformationRecord,
} from './transformation/event.js';
export { decodeTransformationEvent } from './transformation/event.js';
export type {
  BuiltTransformationResponse,
  TransformationMetadata,
  TransformationOutcome,
  TransformationResponse,
  TransformationResponseOptions,
  TransformationResponseRecord,
  TransformationResult,
} from './transformation/response.js';
export {
  buildTransformationResponse,
  MAX_TRANSFORMATION_RESPONSE_BYTES,
} from './transformation/response.js';
