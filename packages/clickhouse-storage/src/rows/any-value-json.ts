import { type Attributes, type AttributeValue, createAttributes, setAttribute } from '@firefly/model';

// Arrays and kvlists are stored as OTLP/JSON AnyValues: a documented, typed text form, so
// `[1, 1.5, "a"]` comes back with its int, double and string apart, and JSON functions can read it.

type AnyValueJson =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number | string }
  | { bytesValue: string }
  | { arrayValue: { values: AnyValueJson[] } }
  | { kvlistValue: { values: { key: string; value: AnyValueJson }[] } }
  | Record<string, never>;

export function toAnyValueJson(value: AttributeValue): AnyValueJson {
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { boolValue: value };
    case 'bigint':
      return { intValue: value.toString() };
    case 'number':
      return { doubleValue: Number.isFinite(value) && !Object.is(value, -0) ? value : formatDouble(value) };
    default:
      if (value === null) return {};
      if (value instanceof Uint8Array) return { bytesValue: base64(value) };
      if (Array.isArray(value)) return { arrayValue: { values: value.map(toAnyValueJson) } };
      return {
        kvlistValue: { values: Object.entries(value).map(([key, v]) => ({ key, value: toAnyValueJson(v) })) },
      };
  }
}

export function fromAnyValueJson(json: AnyValueJson): AttributeValue {
  if ('stringValue' in json) return json.stringValue;
  if ('boolValue' in json) return json.boolValue;
  if ('intValue' in json) return BigInt(json.intValue);
  if ('doubleValue' in json) return parseDouble(String(json.doubleValue));
  if ('bytesValue' in json) return fromBase64(json.bytesValue);
  if ('arrayValue' in json) return json.arrayValue.values.map(fromAnyValueJson);
  if ('kvlistValue' in json) {
    const out: Attributes = createAttributes();
    for (const { key, value } of json.kvlistValue.values) setAttribute(out, key, fromAnyValueJson(value));
    return out;
  }
  return null;
}

/** Shortest round-trip text, with the spellings OTLP/JSON uses for the values JSON has no number for. */
export function formatDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  return Object.is(value, -0) ? '-0' : String(value);
}

export function parseDouble(text: string): number {
  return text === 'NaN' ? Number.NaN : Number(text);
}

export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}
