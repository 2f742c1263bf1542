import type { Attributes } from '@firefly/model';
import { toColumns } from '../rows/attributes.js';
import { formatDouble } from '../rows/scalar-text.js';
import type { ColumnWriter, RowEncoder } from './column-writer.js';

/**
 * JSONCompactEachRow: one JSON array per row. Slower for ClickHouse to parse than RowBinary, but
 * readable, which helps when debugging an insert; also the format the bench compares against.
 */
export class JsonCompactEncoder implements RowEncoder {
  readonly format = 'JSONCompactEachRow';
  rows = 0;
  private readonly lines: string[] = [];
  private values: string[] = [];
  private readonly sharedText = new WeakMap<object, string>();

  string(value: string): void {
    this.values.push(JSON.stringify(value));
  }

  uint32(value: number): void {
    this.values.push(String(value));
  }

  int32(value: number): void {
    this.values.push(String(value));
  }

  uint64(value: bigint): void {
    this.values.push(`"${value}"`);
  }

  int64(value: bigint): void {
    this.values.push(`"${value}"`);
  }

  dateTime64(nanos: bigint): void {
    // Unquoted: ClickHouse reads a JSON integer as ticks, but guesses at a quoted one by its length.
    this.values.push(String(nanos));
  }

  float64(value: number): void {
    this.values.push(jsonFloat(value));
  }

  bool(value: boolean): void {
    this.values.push(value ? 'true' : 'false');
  }

  nullableFloat64(value: number | undefined): void {
    this.values.push(value === undefined ? 'null' : jsonFloat(value));
  }

  nullableInt64(value: bigint | undefined): void {
    this.values.push(value === undefined ? 'null' : `"${value}"`);
  }

  stringMap(entries: Record<string, string>): void {
    this.values.push(JSON.stringify(entries));
  }

  attributeMaps(attributes: Attributes): void {
    const { values, types } = toColumns(attributes);
    this.stringMap(values);
    this.stringMap(types);
  }

  floatMap(entries: Record<string, number>): void {
    const parts = Object.keys(entries).map((k) => `${JSON.stringify(k)}:${jsonFloat(entries[k] as number)}`);
    this.values.push(`{${parts.join(',')}}`);
  }

  array<T>(items: readonly T[], write: (item: T, index: number) => void): void {
    const outer = this.values;
    this.values = [];
    items.forEach(write);
    const inner = this.values;
    this.values = outer;
    this.values.push(`[${inner.join(',')}]`);
  }

  emptyArrays(count: number): void {
    for (let i = 0; i < count; i++) this.values.push('[]');
  }

  shared(key: object, write: (writer: ColumnWriter) => void): void {
    let text = this.sharedText.get(key);
    if (text === undefined) {
      const outer = this.values;
      this.values = [];
      write(this);
      text = this.values.join(',');
      this.values = outer;
      this.sharedText.set(key, text);
    }
    this.values.push(text);
  }

  endRow(): void {
    this.lines.push(`[${this.values.join(',')}]\n`);
    this.values = [];
    this.rows += 1;
  }

  finish(): Buffer[] {
    const chunks: Buffer[] = [];
    for (let i = 0; i < this.lines.length; i += 512)
      chunks.push(Buffer.from(this.lines.slice(i, i + 512).join('')));
    return chunks;
  }
}

/** JSON has no NaN, infinities or -0; ClickHouse reads these spellings of them. */
function jsonFloat(value: number): string {
  return Number.isFinite(value) && !Object.is(value, -0) ? String(value) : `"${formatDouble(value)}"`;
}
