export type { RemoteWriteDecodeErrorCode } from './errors.js';
export { RemoteWriteDecodeError } from './errors.js';
export { fromMetricPoints, sanitize } from './mapping/from-model.js';
export type { MetadataLookup, SampleKind } from './mapping/metric-kind.js';
export { classify } from './mapping/metric-kind.js';
export { SCOPE_NAME } from './mapping/resource.js';
export type { MetricPointsResult, ToModelOptions } from './mapping/to-model.js';
export { toMetricPoints } from './mapping/to-model.js';
export { DEFAULT_MAX_ELEMENTS, decodeWriteRequestProtobuf } from './protobuf/decode.js';
export { encodeWriteRequestProtobuf } from './protobuf/encode.js';
export type { DecodedRemoteWrite, DecodeOptions } from './remote-write.js';
export {
  decodeRemoteWrite,
  decodeWriteRequest,
  encodeRemoteWrite,
  encodeWriteRequest,
  REMOTE_WRITE_HEADERS,
} from './remote-write.js';
export { DEFAULT_MAX_DECODED_BYTES } from './snappy.js';
export { seriesProblem } from './validate.js';
export type {
  BucketSpan,
  Exemplar,
  Histogram,
  Label,
  MetricMetadata,
  Sample,
  TimeSeries,
  WriteRequest,
} from './write-request.js';
export { emptyHistogram, MetricType, ResetHint } from './write-request.js';
