import { OtlpDecodeError } from './errors.js';
import { decodeMetricsJson } from './json/decode-metrics.js';
import { decodeTracesJson } from './json/decode-trace.js';
import { encodeResponseJson } from './json/encode.js';
import { encodeResponseProtobuf } from './protobuf/encode-trace.js';
import { decodeMetricsProtobuf } from './protobuf/metrics.js';
import { decodeTracesProtobuf } from './protobuf/trace.js';
import type { DecodedMetrics, DecodedTraces, ExportResponse } from './types.js';

/** The two OTLP/HTTP encodings. */
export type OtlpEncoding = 'protobuf' | 'json';

export const CONTENT_TYPES: Record<OtlpEncoding, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/** The encoding a `Content-Type` header names (parameters such as charset are ignored). */
export function encodingOf(contentType: string | undefined): OtlpEncoding {
  const mediaType = (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase();
  if (mediaType === 'application/x-protobuf') return 'protobuf';
  if (mediaType === 'application/json') return 'json';
  throw new OtlpDecodeError(
    'UNSUPPORTED_CONTENT_TYPE',
    `unsupported content type "${contentType ?? ''}"; OTLP/HTTP uses application/x-protobuf or application/json`,
  );
}

export function decodeTraces(body: Uint8Array, encoding: OtlpEncoding): DecodedTraces {
  return encoding === 'protobuf' ? decodeTracesProtobuf(body) : decodeTracesJson(body);
}

export function decodeMetrics(body: Uint8Array, encoding: OtlpEncoding): DecodedMetrics {
  return encoding === 'protobuf' ? decodeMetricsProtobuf(body) : decodeMetricsJson(body);
}

/** The export response body for `kind`, in the encoding of the request it answers. */
export function encodeResponse(
  response: ExportResponse,
  kind: 'traces' | 'metrics',
  encoding: OtlpEncoding,
): Uint8Array | string {
  return encoding === 'protobuf' ? encodeResponseProtobuf(response) : encodeResponseJson(response, kind);
}
