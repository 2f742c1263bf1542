import {
  type Attributes,
  type AttributeValue,
  createAttributes,
  type InstrumentationScope,
  type Resource,
  serviceNameOf,
  setAttribute,
} from '@firefly/model';
import { MAX_VALUE_DEPTH } from '../protobuf/common.js';
import {
  base64,
  eachObject,
  type JsonObject,
  type JsonPath,
  object,
  string,
  toDouble,
  toInt64,
  uint32,
} from './values.js';

/** Reads a repeated `KeyValue` field into a new attribute map. */
export function attributes(o: JsonObject, key: string, path: JsonPath, depth = 0): Attributes {
  const into = createAttributes();
  eachObject(o, key, path, (kv) => {
    const value = object(kv, 'value', path);
    setAttribute(into, string(kv, 'key', path), value === undefined ? null : anyValue(value, path, depth));
  });
  return into;
}

export function anyValue(v: JsonObject, path: JsonPath, depth: number): AttributeValue {
  if (depth >= MAX_VALUE_DEPTH)
    throw path.error('value', `attribute values nest deeper than ${MAX_VALUE_DEPTH}`);
  path.push('value');
  try {
    if (v.stringValue !== undefined && v.stringValue !== null) return string(v, 'stringValue', path);
    if (v.boolValue !== undefined && v.boolValue !== null) {
      if (typeof v.boolValue !== 'boolean') throw path.error('boolValue', 'expected true or false');
      return v.boolValue;
    }
    if (v.intValue !== undefined && v.intValue !== null) return toInt64(v.intValue, path, 'intValue', false);
    if (v.doubleValue !== undefined && v.doubleValue !== null)
      return toDouble(v.doubleValue, path, 'doubleValue');
    if (v.bytesValue !== undefined && v.bytesValue !== null) return base64(v.bytesValue, path, 'bytesValue');
    const list = object(v, 'arrayValue', path);
    if (list !== undefined) {
      const values: AttributeValue[] = [];
      path.push('arrayValue');
      eachObject(list, 'values', path, (item) => values.push(anyValue(item, path, depth + 1)));
      path.pop();
      return values;
    }
    const kvlist = object(v, 'kvlistValue', path);
    if (kvlist !== undefined) {
      path.push('kvlistValue');
      const values = attributes(kvlist, 'values', path, depth + 1);
      path.pop();
      return values;
    }
    return null;
  } finally {
    path.pop();
  }
}

export function resource(o: JsonObject, path: JsonPath): Resource {
  const r = object(o, 'resource', path);
  path.push('resource');
  const attrs = r === undefined ? createAttributes() : attributes(r, 'attributes', path);
  const dropped = r === undefined ? 0 : uint32(r, 'droppedAttributesCount', path);
  path.pop();
  return {
    attributes: attrs,
    droppedAttributesCount: dropped,
    schemaUrl: string(o, 'schemaUrl', path),
    serviceName: serviceNameOf(attrs),
  };
}

export function scope(o: JsonObject, path: JsonPath): InstrumentationScope {
  const s = object(o, 'scope', path) ?? {};
  path.push('scope');
  const result = {
    name: string(s, 'name', path),
    version: string(s, 'version', path),
    attributes: attributes(s, 'attributes', path),
    droppedAttributesCount: uint32(s, 'droppedAttributesCount', path),
  };
  path.pop();
  return { ...result, schemaUrl: string(o, 'schemaUrl', path) };
}
