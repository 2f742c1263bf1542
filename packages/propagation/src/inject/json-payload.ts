import { isRecord } from '../carrier.js';
import { PAYLOAD_FIELD } from '../fields.js';

/**
 * `json` with the carrier set as its `_firefly` field, when `json` is a JSON object. Undefined for
 * anything else (not JSON, an array, a string…): a payload we cannot extend stays as it is.
 */
export function withPayloadField(json: string, carrier: Record<string, string>): string | undefined {
  if (!json.trimStart().startsWith('{')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) return undefined;
  return JSON.stringify({ ...parsed, [PAYLOAD_FIELD]: carrier });
}

/** Payloads of the AWS SDK: strings or bytes. Returned in the kind they came in. */
export function withPayloadFieldIn(
  payload: unknown,
  carrier: Record<string, string>,
  fits: (bytes: number) => boolean,
): string | Uint8Array | undefined {
  const text = textOf(payload);
  if (text === undefined) return undefined;
  const injected = withPayloadField(text, carrier);
  if (injected === undefined || !fits(Buffer.byteLength(injected))) return undefined;
  return typeof payload === 'string' ? injected : new TextEncoder().encode(injected);
}

function textOf(payload: unknown): string | undefined {
  if (typeof payload === 'string') return payload;
  if (payload instanceof Uint8Array) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(payload);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** True unless `after` crosses `limit` from below (see limits.ts). */
export function staysWithin(limit: number, before: number, after: number): boolean {
  return before > limit || after <= limit;
}

export function byteLengthOf(payload: unknown): number {
  if (typeof payload === 'string') return Buffer.byteLength(payload);
  return payload instanceof Uint8Array ? payload.byteLength : 0;
}
