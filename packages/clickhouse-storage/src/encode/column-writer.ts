import type { Attributes } from '@firefly/model';
import type { InsertFormat } from '../config.js';

/**
 * Writes one row's values in the order of an INSERT's column list. Row layouts (spans, each point
 * type) are written once against this interface; each insert format implements it.
 */
export interface ColumnWriter {
  string(value: string): void;
  // Integers arrive range-checked by the layouts (rows/scalars.ts), which can name the field.
  uint32(value: number): void;
  int32(value: number): void;
  uint64(value: bigint): void;
  int64(value: bigint): void;
  /** Nanoseconds since the epoch, for DateTime64(9). */
  dateTime64(nanos: bigint): void;
  float64(value: number): void;
  bool(value: boolean): void;
  nullableFloat64(value: number | undefined): void;
  nullableInt64(value: bigint | undefined): void;
  /** Map(String, String). */
  stringMap(entries: Record<string, string>): void;
  /** Attributes as two Map(String, String) columns: text values, then types of non-strings. */
  attributeMaps(attributes: Attributes): void;
  /** Map(String, Float64). */
  floatMap(entries: Record<string, number>): void;
  /** Array(T): `write` is called for each item and writes one value. */
  array<T>(items: readonly T[], write: (item: T, index: number) => void): void;
  /** `count` Array columns, each empty in this row. */
  emptyArrays(count: number): void;
  /**
   * Columns many rows share (a resource, a scope, a metric): written once per object and batch,
   * then copied into every row that refers to the same object.
   */
  shared(key: object, write: (writer: ColumnWriter) => void): void;
  endRow(): void;
}

/**
 * One column of an insert: its name, and the type its values are written as. That is the table's
 * type without `LowCardinality` (ClickHouse builds the dictionaries itself); encoders that send
 * types (Native) send these.
 */
export interface ColumnSpec {
  readonly name: string;
  readonly type: string;
}

export const column = (name: string, type: string): ColumnSpec => ({ name, type });

/** An insert format: a ColumnWriter whose rows become the request body. */
export interface RowEncoder extends ColumnWriter {
  readonly format: InsertFormat;
  readonly rows: number;
  /** The body, in chunks. */
  finish(): Buffer[];
}
