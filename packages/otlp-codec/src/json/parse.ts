import { OtlpDecodeError } from '../errors.js';
import type { JsonObject } from './values.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses an OTLP/JSON body (bytes must be UTF-8) into its top-level object. */
export function parseJsonBody(body: Uint8Array | string): JsonObject {
  let text: string;
  try {
    text = typeof body === 'string' ? body : strictUtf8.decode(body);
  } catch (cause) {
    throw new OtlpDecodeError('INVALID_UTF8', 'OTLP/JSON: the body is not valid UTF-8', { cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    // Also covers nesting so deep that the parser runs out of stack (a RangeError).
    throw new OtlpDecodeError('INVALID_JSON', `OTLP/JSON: ${(cause as Error).message}`, { cause });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new OtlpDecodeError('INVALID_JSON', 'OTLP/JSON: the body must be a JSON object');
  }
  return parsed as JsonObject;
}
