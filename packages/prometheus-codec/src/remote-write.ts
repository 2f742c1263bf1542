import type { MetricPoint } from '@firefly/model';
import { fromMetricPoints } from './mapping/from-model.js';
import { type MetricPointsResult, type ToModelOptions, toMetricPoints } from './mapping/to-model.js';
import { decodeWriteRequestProtobuf } from './protobuf/decode.js';
import { encodeWriteRequestProtobuf } from './protobuf/encode.js';
import { compressSnappy, DEFAULT_MAX_DECODED_BYTES, decompressSnappy } from './snappy.js';
import type { MetricMetadata, WriteRequest } from './write-request.js';

/** The headers a remote write 1.0 request carries. */
export const REMOTE_WRITE_HEADERS = {
  'content-type': 'application/x-protobuf',
  'content-encoding': 'snappy',
  'x-prometheus-remote-write-version': '0.1.0',
} as const;

export interface DecodeOptions {
  /** Largest decompressed body accepted, in bytes (default 32 MiB). */
  maxDecodedBytes?: number;
  /** Most nested messages (series, labels, samples, exemplars, …) accepted (default 500,000). */
  maxElements?: number;
}

/** A remote write body (snappy block + protobuf) → `WriteRequest`. Throws `RemoteWriteDecodeError`. */
export function decodeWriteRequest(body: Uint8Array, options: DecodeOptions = {}): WriteRequest {
  const bytes = decompressSnappy(body, options.maxDecodedBytes ?? DEFAULT_MAX_DECODED_BYTES);
  return decodeWriteRequestProtobuf(
    bytes,
    options.maxElements === undefined ? {} : { maxElements: options.maxElements },
  );
}

/** `WriteRequest` → a remote write body (protobuf, snappy block compressed). */
export function encodeWriteRequest(request: WriteRequest): Buffer {
  return compressSnappy(encodeWriteRequestProtobuf(request));
}

export interface DecodedRemoteWrite extends MetricPointsResult {
  /** The request's metadata entries, for a receiver to remember (see `ToModelOptions.metadata`). */
  metadata: MetricMetadata[];
  /** Samples and native histogram samples in the request, valid or not. */
  receivedSamples: number;
}

/** A remote write body → Firefly model points; invalid series are counted and left out. */
export function decodeRemoteWrite(
  body: Uint8Array,
  options: DecodeOptions & ToModelOptions = {},
): DecodedRemoteWrite {
  const request = decodeWriteRequest(body, options);
  let receivedSamples = 0;
  for (const series of request.timeseries)
    receivedSamples += series.samples.length + series.histograms.length;
  return { ...toMetricPoints(request, options), metadata: request.metadata, receivedSamples };
}

/** Firefly model points → a remote write body. */
export function encodeRemoteWrite(points: readonly MetricPoint[]): Buffer {
  return encodeWriteRequest(fromMetricPoints(points));
}
