import type { AttributeValue } from '@firefly/model';
import { anyValue } from './common.js';
import { anyValueJson } from './encode.js';
import { parseJsonBody } from './parse.js';
import { JsonPath } from './values.js';

/**
 * One attribute value as OTLP/JSON `AnyValue` text: a spec'd, typed form (ints as strings, doubles
 * with `NaN`/`Infinity`/`-0` spelled out, bytes in base64, nested arrays and kvlists), for anyone
 * who must store a value as text and get its type back — e.g. a storage adapter.
 */
export function encodeAnyValueJson(value: AttributeValue): string {
  return JSON.stringify(anyValueJson(value));
}

/** The reverse of {@link encodeAnyValueJson}; throws `OtlpDecodeError` naming what is wrong. */
export function decodeAnyValueJson(text: string): AttributeValue {
  return anyValue(parseJsonBody(text), new JsonPath(), 0);
}
