import {
  type Attributes,
  type AttributeType,
  attributeType,
  createAttributes,
  setAttribute,
} from '@firefly/model';
import { decodeAnyValueJson, encodeAnyValueJson } from '@firefly/otlp-codec';
import { base64, formatDouble, fromBase64, parseDouble } from './scalar-text.js';

/**
 * Attributes as two ClickHouse maps: `values` holds every value as text (so queries read
 * `SpanAttributes['http.route']` as the OpenTelemetry exporter's schema has it), and `types` the
 * type of each value that is not a string — strings are most values, and an absent type means one.
 */
export interface AttributeColumns {
  values: Record<string, string>;
  types: Record<string, AttributeType>;
}

export function toColumns(attributes: Attributes): AttributeColumns {
  // Null-prototype objects: a `__proto__` attribute is an ordinary key here.
  const values: Record<string, string> = Object.create(null);
  const types: Record<string, AttributeType> = Object.create(null);
  for (const key in attributes) {
    if (!Object.hasOwn(attributes, key)) continue;
    const value = attributes[key] as Attributes[string];
    if (typeof value === 'string') {
      values[key] = value;
      continue;
    }
    const type = attributeType(value);
    types[key] = type;
    values[key] = textOf(value, type);
  }
  return { values, types };
}

export function fromColumns(values: Record<string, string>, types: Record<string, string>): Attributes {
  const attributes = createAttributes();
  for (const [key, text] of Object.entries(values)) {
    setAttribute(attributes, key, parseValue(text, Object.hasOwn(types, key) ? types[key] : 'string'));
  }
  return attributes;
}

/** The text stored for a value that is not a string (its type goes in the types map). */
export function textOf(value: Attributes[string], type: AttributeType): string {
  switch (type) {
    case 'bool':
    case 'int':
      return String(value);
    case 'double':
      return formatDouble(value as number);
    case 'bytes':
      return base64(value as Uint8Array);
    case 'empty':
      return '';
    default:
      return encodeAnyValueJson(value);
  }
}

function parseValue(text: string, type: string | undefined): Attributes[string] {
  switch (type) {
    case 'bool':
      return text === 'true';
    case 'int':
      return BigInt(text);
    case 'double':
      return parseDouble(text);
    case 'bytes':
      return fromBase64(text);
    case 'empty':
      return null;
    case 'array':
    case 'kvlist':
      return decodeAnyValueJson(text);
    default:
      return text;
  }
}
