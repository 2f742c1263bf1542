import {
  type Attributes,
  type AttributeValue,
  createAttributes,
  type InstrumentationScope,
  type Resource,
  serviceNameOf,
  setAttribute,
} from '@firefly/model';

import type { ProtoReader } from '../wire/reader.js';
import { fieldMask, otherField } from './fields.js';

/** How deep array and kvlist values may nest inside one attribute. */
export const MAX_VALUE_DEPTH = 32;

const ANY_VALUE = fieldMask(1, 2, 3, 4, 5, 6, 7);
const KEY_VALUE = fieldMask(1, 2);
const VALUES = fieldMask(1);
const RESOURCE = fieldMask(1, 2);
const SCOPE = fieldMask(1, 2, 3, 4);

/** Reads one `KeyValue` message into `into` (a later duplicate key wins). */
export function readKeyValue(r: ProtoReader, into: Attributes, depth = 0): void {
  const saved = r.enter();
  let key = '';
  let value: AttributeValue = null;
  while (r.pos < r.limit) {
    const tag = r.tag();
    if (tag === 10) key = r.string();
    else if (tag === 18) value = scalarValue(r) ?? readAnyValue(r, depth);
    else otherField(r, tag, KEY_VALUE, 'KeyValue');
  }
  r.leave(saved);
  setAttribute(into, key, value);
}

/**
 * Fast path for the common AnyValue: exactly one string, bool, int or double field filling the
 * whole message. Returns undefined (reading nothing) for anything else.
 */
function scalarValue(r: ProtoReader): AttributeValue | undefined {
  const start = r.pos;
  const buf = r.buf;
  const length = buf[start] as number;
  if (length >= 0x80 || length < 2 || start + 1 + length > r.limit) return undefined;
  const tag = buf[start + 1] as number;
  if (tag === 10 && (buf[start + 2] as number) === length - 2) {
    r.pos = start + 2;
    return r.string();
  }
  if (tag === 16 && length === 2 && (buf[start + 2] as number) < 0x80) {
    r.pos = start + 3;
    return (buf[start + 2] as number) !== 0;
  }
  if (tag === 33 && length === 9) {
    r.pos = start + 2;
    return r.double();
  }
  if (tag === 24) {
    r.pos = start + 2;
    const value = r.int64();
    if (r.pos === start + 1 + length) return value;
    r.pos = start; // trailing fields: let the general reader handle the message
  }
  return undefined;
}

function readAnyValue(r: ProtoReader, depth: number): AttributeValue {
  if (depth >= MAX_VALUE_DEPTH)
    throw r.error('TOO_DEEP', `attribute values nest deeper than ${MAX_VALUE_DEPTH}`);
  const saved = r.enter();
  let value: AttributeValue = null;
  while (r.pos < r.limit) {
    const tag = r.tag();
    switch (tag) {
      case 10:
        value = r.string();
        break;
      case 16:
        value = r.bool();
        break;
      case 24:
        value = r.int64();
        break;
      case 33:
        value = r.double();
        break;
      case 42:
        value = readArrayValue(r, depth + 1);
        break;
      case 50:
        value = readKeyValueList(r, depth + 1);
        break;
      case 58:
        value = r.bytes();
        break;
      default:
        otherField(r, tag, ANY_VALUE, 'AnyValue');
    }
  }
  r.leave(saved);
  return value;
}

function readArrayValue(r: ProtoReader, depth: number): AttributeValue[] {
  const saved = r.enter();
  const values: AttributeValue[] = [];
  while (r.pos < r.limit) {
    const tag = r.tag();
    if (tag === 10) values.push(readAnyValue(r, depth));
    else otherField(r, tag, VALUES, 'ArrayValue');
  }
  r.leave(saved);
  return values;
}

function readKeyValueList(r: ProtoReader, depth: number): Attributes {
  const saved = r.enter();
  const values = createAttributes();
  while (r.pos < r.limit) {
    const tag = r.tag();
    if (tag === 10) readKeyValue(r, values, depth);
    else otherField(r, tag, VALUES, 'KeyValueList');
  }
  r.leave(saved);
  return values;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

// A ResourceSpans may carry its schema_url (field 3) after its spans, and protobuf allows fields in
// any order, so resources and scopes are created empty, shared with their spans at once, and filled
// in as their fields arrive.

export function newResource(): Mutable<Resource> {
  return {
    attributes: createAttributes(),
    droppedAttributesCount: 0,
    schemaUrl: '',
    serviceName: 'unknown_service',
  };
}

export function newScope(): Mutable<InstrumentationScope> {
  return { name: '', version: '', attributes: createAttributes(), droppedAttributesCount: 0, schemaUrl: '' };
}

export function readResource(r: ProtoReader, into: Mutable<Resource>): void {
  const saved = r.enter();
  while (r.pos < r.limit) {
    const tag = r.tag();
    if (tag === 10) readKeyValue(r, into.attributes);
    else if (tag === 16) into.droppedAttributesCount = r.varint32();
    else otherField(r, tag, RESOURCE, 'Resource');
  }
  r.leave(saved);
  into.serviceName = serviceNameOf(into.attributes);
}

export function readScope(r: ProtoReader, into: Mutable<InstrumentationScope>): void {
  const saved = r.enter();
  while (r.pos < r.limit) {
    const tag = r.tag();
    if (tag === 10) into.name = r.string();
    else if (tag === 18) into.version = r.string();
    else if (tag === 26) readKeyValue(r, into.attributes);
    else if (tag === 32) into.droppedAttributesCount = r.varint32();
    else otherField(r, tag, SCOPE, 'InstrumentationScope');
  }
  r.leave(saved);
}
