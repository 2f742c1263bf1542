import { ByteSink } from './byte-sink.js';

// The columns of a Native block, each holding its rows' values in the layout ClickHouse reads them:
// fixed-width values back to back, strings LEB128-length-prefixed, Nullable as a null byte per row
// and then every value (a default where null), Array and Map as cumulative UInt64 end offsets and
// then the elements (a Map's keys, then its values).

/**
 * The scalar types ColumnWriter writes, by a small number: the encoder checks each value against
 * its column's, and comparing numbers costs less than comparing type names.
 */
export const SCALAR_TYPES = [
  'String',
  'UInt32',
  'Int32',
  'UInt64',
  'Int64',
  'DateTime64(9)',
  'Float64',
  'Bool',
] as const;
export type ScalarType = (typeof SCALAR_TYPES)[number];

/** A column of a scalar type: its values as bytes. */
export class ValueColumn {
  readonly data: ByteSink;
  /** Index of the type in SCALAR_TYPES. */
  readonly scalar: number;

  constructor(type: string, initialBytes: number) {
    this.scalar = SCALAR_TYPES.indexOf(type as ScalarType);
    if (this.scalar < 0) throw new Error(`${type} is not a type ColumnWriter writes`);
    this.data = new ByteSink(initialBytes);
  }

  append(other: ValueColumn): void {
    this.data.append(other.data);
  }

  serialize(into: Buffer[]): void {
    into.push(...this.data.finish());
  }
}

export class NullableColumn {
  readonly nulls: ByteSink;

  constructor(
    readonly inner: ValueColumn,
    initialBytes: number,
  ) {
    this.nulls = new ByteSink(initialBytes);
  }

  append(other: NullableColumn): void {
    this.nulls.append(other.nulls);
    this.inner.append(other.inner);
  }

  serialize(into: Buffer[]): void {
    into.push(...this.nulls.finish());
    this.inner.serialize(into);
  }
}

/** Cumulative end offsets of each row's elements, as Array and Map columns share them. */
class Offsets {
  private readonly ends: number[] = [];
  total = 0;

  push(count: number): void {
    this.total += count;
    this.ends.push(this.total);
  }

  append(other: Offsets): void {
    const base = this.total;
    for (const end of other.ends) this.ends.push(base + end);
    this.total = base + other.total;
  }

  serialize(into: Buffer[]): void {
    const bytes = new ByteSink(Math.max(this.ends.length * 8, 8));
    for (const end of this.ends) bytes.uint64Number(end);
    into.push(...bytes.finish());
  }
}

export class ArrayColumn {
  readonly offsets = new Offsets();

  constructor(readonly inner: Column) {}

  append(other: ArrayColumn): void {
    this.offsets.append(other.offsets);
    appendColumn(this.inner, other.inner);
  }

  serialize(into: Buffer[]): void {
    this.offsets.serialize(into);
    this.inner.serialize(into);
  }
}

export class MapColumn {
  readonly offsets = new Offsets();

  constructor(
    readonly keys: ValueColumn,
    readonly values: ValueColumn,
  ) {}

  append(other: MapColumn): void {
    this.offsets.append(other.offsets);
    this.keys.append(other.keys);
    this.values.append(other.values);
  }

  serialize(into: Buffer[]): void {
    this.offsets.serialize(into);
    this.keys.serialize(into);
    this.values.serialize(into);
  }
}

export type Column = ValueColumn | NullableColumn | ArrayColumn | MapColumn;

/** Adds `other`'s rows after `into`'s; both were made from the same type. */
export function appendColumn(into: Column, other: Column): void {
  // The same constructor by construction (both from columnOf(type)); the casts restate that.
  (into.append as (c: Column) => void).call(into, other);
}

/**
 * An empty column for `type`, one of the types ColumnWriter writes, its buffers starting at
 * `initialBytes` each (they double as they fill).
 */
export function columnOf(type: string, initialBytes: number): Column {
  const wrapped = /^(Nullable|Array|Map)\((.*)\)$/.exec(type);
  if (wrapped === null) return new ValueColumn(type, initialBytes);
  const [, wrapper, inside] = wrapped as unknown as [string, string, string];
  if (wrapper === 'Nullable') return new NullableColumn(new ValueColumn(inside, initialBytes), initialBytes);
  if (wrapper === 'Array') return new ArrayColumn(columnOf(inside, initialBytes));
  const [key, value] = splitMapTypes(inside, type);
  return new MapColumn(new ValueColumn(key, initialBytes), new ValueColumn(value, initialBytes));
}

function splitMapTypes(inside: string, type: string): [string, string] {
  // Keys and values of the maps written here are scalars: the first comma separates them.
  const comma = inside.indexOf(',');
  const key = inside.slice(0, comma).trim();
  const value = inside.slice(comma + 1).trim();
  if (comma < 0 || /[(,]/.test(key) || /[(,]/.test(value)) {
    throw new Error(`${type}: only maps of scalar keys and values are supported`);
  }
  return [key, value];
}
