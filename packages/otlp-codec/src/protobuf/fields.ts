import type { ProtoReader } from '../wire/reader.js';

/** A bit per known field number (< 32), to tell an unknown field from a known one with a bad wire type. */
export function fieldMask(...fields: number[]): number {
  return fields.reduce((mask, field) => mask | (1 << field), 0);
}

/** The `default:` of every decode switch: skip unknown fields, reject mistyped known ones. */
export function otherField(r: ProtoReader, tag: number, known: number, message: string): void {
  const field = tag >>> 3;
  if (field < 32 && (known >>> field) & 1) {
    throw r.error('INVALID_WIRE_TYPE', `${message} field ${field} has unexpected wire type ${tag & 7}`);
  }
  r.skip(tag);
}

/** Tag bytes as written on the wire: `field << 3 | wireType`. */
export function tagOf(field: number, wireType: number): number {
  return (field << 3) | wireType;
}
