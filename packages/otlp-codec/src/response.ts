import { OtlpDecodeError } from './errors.js';
import { parseJsonBody } from './json/parse.js';
import { int64, JsonPath, object, string } from './json/values.js';
import { fieldMask, otherField } from './protobuf/fields.js';
import type { ExportResponse } from './types.js';
import { ProtoReader } from './wire/reader.js';

const RESPONSE = fieldMask(1);
const PARTIAL = fieldMask(1, 2);

/** Decodes an `ExportTraceServiceResponse` / `ExportMetricsServiceResponse` (protobuf). */
export function decodeResponseProtobuf(bytes: Uint8Array): ExportResponse {
  const r = new ProtoReader(bytes);
  const response: ExportResponse = { rejected: 0, errorMessage: '' };
  while (r.pos < r.limit) {
    const tag = r.tag();
    if (tag !== 10) {
      otherField(r, tag, RESPONSE, 'ExportServiceResponse');
      continue;
    }
    const saved = r.enter();
    while (r.pos < r.limit) {
      const inner = r.tag();
      if (inner === 8) response.rejected = toCount(r.int64());
      else if (inner === 18) response.errorMessage = r.string();
      else otherField(r, inner, PARTIAL, 'ExportPartialSuccess');
    }
    r.leave(saved);
  }
  return response;
}

/** Decodes an OTLP/JSON export response of either signal. */
export function decodeResponseJson(body: Uint8Array | string): ExportResponse {
  const path = new JsonPath();
  const partial = object(parseJsonBody(body), 'partialSuccess', path) ?? {};
  path.push('partialSuccess');
  const rejected = int64(partial, 'rejectedSpans' in partial ? 'rejectedSpans' : 'rejectedDataPoints', path);
  return { rejected: toCount(rejected), errorMessage: string(partial, 'errorMessage', path) };
}

function toCount(value: bigint): number {
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new OtlpDecodeError('INVALID_LENGTH', `partial success count ${value} is out of range`);
  }
  return Number(value);
}
