import type { OtlpEncoding } from './content-type.js';
import { parseJsonBody } from './json/parse.js';
import { int64, JsonPath, string } from './json/values.js';
import { writeString } from './protobuf/encode-common.js';
import { fieldMask, otherField } from './protobuf/fields.js';
import { ProtoReader } from './wire/reader.js';
import { ProtoWriter } from './wire/writer.js';

/**
 * A `google.rpc.Status`: what an OTLP/HTTP server sends with a 4xx/5xx, in the request's encoding.
 * `code` is a gRPC status code (3 INVALID_ARGUMENT, 8 RESOURCE_EXHAUSTED, 14 UNAVAILABLE, …).
 */
export interface RpcStatus {
  code: number;
  message: string;
}

/** Encodes a `google.rpc.Status` (no details) as OTLP/HTTP error bodies carry it. */
export function encodeStatus(status: RpcStatus, encoding: OtlpEncoding): Uint8Array | string {
  if (encoding === 'json') return JSON.stringify({ code: status.code, message: status.message });
  const w = new ProtoWriter(64 + status.message.length * 3);
  if (status.code !== 0) {
    w.tag(1, 0);
    w.varint32(status.code);
  }
  writeString(w, 2, status.message);
  return w.finish();
}

const STATUS = fieldMask(1, 2);

/** Decodes a `google.rpc.Status` error body (details are skipped), for clients and forwarders. */
export function decodeStatus(body: Uint8Array | string, encoding: OtlpEncoding): RpcStatus {
  if (encoding === 'json') {
    const path = new JsonPath();
    const parsed = parseJsonBody(body);
    return { code: Number(int64(parsed, 'code', path)), message: string(parsed, 'message', path) };
  }
  const r = new ProtoReader(typeof body === 'string' ? Buffer.from(body) : body);
  const status: RpcStatus = { code: 0, message: '' };
  while (r.pos < r.limit) {
    const tag = r.tag();
    if (tag === 8) status.code = Number(r.int64());
    else if (tag === 18) status.message = r.string();
    else otherField(r, tag, STATUS, 'Status');
  }
  return status;
}
