import type { Attributes, AttributeValue, InstrumentationScope, Resource } from '@firefly/model';
import type { ProtoWriter } from '../wire/writer.js';

export function writeAttributes(w: ProtoWriter, field: number, attributes: Attributes): void {
  for (const key in attributes) {
    const entry = w.begin(field);
    if (key !== '') {
      w.tag(1, 2);
      w.string(key);
    }
    const value = w.begin(2);
    writeAnyValue(w, attributes[key] as AttributeValue);
    w.end(value);
    w.end(entry);
  }
}

function writeAnyValue(w: ProtoWriter, value: AttributeValue): void {
  switch (typeof value) {
    case 'string':
      w.tag(1, 2);
      w.string(value);
      return;
    case 'boolean':
      w.tag(2, 0);
      w.varint32(value ? 1 : 0);
      return;
    case 'bigint':
      w.tag(3, 0);
      w.varint64(value);
      return;
    case 'number':
      w.tag(4, 1);
      w.double(value);
      return;
    default:
      break;
  }
  if (value === null) return;
  if (value instanceof Uint8Array) {
    w.tag(7, 2);
    w.bytes(value);
  } else if (Array.isArray(value)) {
    const array = w.begin(5);
    for (const item of value) {
      const entry = w.begin(1);
      writeAnyValue(w, item);
      w.end(entry);
    }
    w.end(array);
  } else {
    const list = w.begin(6);
    writeAttributes(w, 1, value);
    w.end(list);
  }
}

export function writeResource(w: ProtoWriter, field: number, resource: Resource): void {
  const start = w.begin(field);
  writeAttributes(w, 1, resource.attributes);
  writeUint32(w, 2, resource.droppedAttributesCount);
  w.end(start);
}

export function writeScope(w: ProtoWriter, field: number, scope: InstrumentationScope): void {
  const start = w.begin(field);
  writeString(w, 1, scope.name);
  writeString(w, 2, scope.version);
  writeAttributes(w, 3, scope.attributes);
  writeUint32(w, 4, scope.droppedAttributesCount);
  w.end(start);
}

// proto3 leaves fields at their default value off the wire.

export function writeString(w: ProtoWriter, field: number, value: string): void {
  if (value === '') return;
  w.tag(field, 2);
  w.string(value);
}

export function writeId(w: ProtoWriter, field: number, hex: string): void {
  if (hex === '') return;
  w.tag(field, 2);
  w.hex(hex);
}

export function writeUint32(w: ProtoWriter, field: number, value: number): void {
  if (value === 0) return;
  w.tag(field, 0);
  w.varint32(value);
}

export function writeEnum(w: ProtoWriter, field: number, value: number): void {
  if (value === 0) return;
  w.tag(field, 0);
  w.int32(value);
}

export function writeFixed64(w: ProtoWriter, field: number, value: bigint): void {
  if (value === 0n) return;
  w.tag(field, 1);
  w.fixed64(value);
}

export function writeDouble(w: ProtoWriter, field: number, value: number | undefined): void {
  if (value === undefined) return;
  w.tag(field, 1);
  w.double(value);
}
