import { type Attributes, type AttributeValue, attributeType } from '@firefly/model';
import { textOf } from '../rows/attributes.js';
import { ByteSink } from './byte-sink.js';
import type { ColumnWriter, RowEncoder } from './column-writer.js';

// A batch starts small and doubles up to 1 MiB chunks: a metrics batch has one encoder per point
// type, most of them holding a few rows.
const INITIAL_BYTES = 64 << 10;

/**
 * ClickHouse's RowBinary: values back to back, little-endian, strings and arrays prefixed by a
 * LEB128 length, Nullable by a null byte. Floats keep their exact bits; the Native format (columns
 * instead of rows) is cheaper for ClickHouse to take in, this one simpler to read when debugging.
 */
export class RowBinaryEncoder implements RowEncoder {
  readonly format = 'RowBinary';
  rows = 0;
  private readonly out: ByteSink;
  private readonly sharedBytes = new WeakMap<object, ByteSink>();

  /** `initialBytes`: tiny for the few columns of a shared resource, 64 KiB for a batch. */
  constructor(initialBytes = INITIAL_BYTES) {
    this.out = new ByteSink(initialBytes);
  }

  string(value: string): void {
    this.out.string(value);
  }

  uint32(value: number): void {
    this.out.uint32(value);
  }

  int32(value: number): void {
    this.out.int32(value);
  }

  uint64(value: bigint): void {
    this.out.uint64(value);
  }

  int64(value: bigint): void {
    this.out.int64(value);
  }

  dateTime64(nanos: bigint): void {
    this.out.int64(nanos);
  }

  float64(value: number): void {
    this.out.float64(value);
  }

  bool(value: boolean): void {
    this.out.uint8(value ? 1 : 0);
  }

  nullableFloat64(value: number | undefined): void {
    this.bool(value === undefined);
    if (value !== undefined) this.out.float64(value);
  }

  nullableInt64(value: bigint | undefined): void {
    this.bool(value === undefined);
    if (value !== undefined) this.out.int64(value);
  }

  stringMap(entries: Record<string, string>): void {
    const keys = Object.keys(entries);
    this.out.varint(keys.length);
    for (const key of keys) {
      this.out.string(key);
      this.out.string(entries[key] as string);
    }
  }

  attributeMaps(attributes: Attributes): void {
    // Straight from the attributes, without the intermediate maps: this runs for every row.
    const out = this.out;
    const keys = Object.keys(attributes);
    out.varint(keys.length);
    let typed = 0;
    for (const key of keys) {
      const value = attributes[key] as AttributeValue;
      out.string(key);
      if (typeof value === 'string') {
        out.string(value);
      } else {
        typed += 1;
        out.string(textOf(value, attributeType(value)));
      }
    }
    out.varint(typed);
    if (typed === 0) return;
    for (const key of keys) {
      const value = attributes[key] as AttributeValue;
      if (typeof value === 'string') continue;
      out.string(key);
      out.string(attributeType(value));
    }
  }

  floatMap(entries: Record<string, number>): void {
    const keys = Object.keys(entries);
    this.out.varint(keys.length);
    for (const key of keys) {
      this.out.string(key);
      this.out.float64(entries[key] as number);
    }
  }

  array<T>(items: readonly T[], write: (item: T, index: number) => void): void {
    this.out.varint(items.length);
    items.forEach(write);
  }

  emptyArrays(count: number): void {
    for (let i = 0; i < count; i++) this.out.uint8(0);
  }

  shared(key: object, write: (writer: ColumnWriter) => void): void {
    let bytes = this.sharedBytes.get(key);
    if (bytes === undefined) {
      const part = new RowBinaryEncoder(1024);
      write(part);
      bytes = part.out;
      this.sharedBytes.set(key, bytes);
    }
    this.out.append(bytes);
  }

  endRow(): void {
    this.rows += 1;
  }

  finish(): Buffer[] {
    return this.out.finish();
  }
}
