import type { ClickHouseClient } from '@clickhouse/client';
import { StorageError } from '@firefly/storage';
import { classify } from '../errors.js';
import { BACKEND } from '../rows/scalars.js';

/**
 * ClickHouse's default `max_partitions_per_insert_block`: an insert whose rows fall on more
 * partitions than this is refused whole ("Too many partitions for single INSERT block (more than
 * 100)"); exactly 100 is accepted. Every insert sends it, so the server applies the limit checked
 * here whatever its profile says.
 */
export const MAX_PARTITIONS_PER_INSERT = 100;

/** One table's rows of a batch, by the time column its partition key (`toDate(column)`) reads. */
export interface PartitionedRows {
  readonly table: string;
  readonly column: string;
  /** Nanoseconds since the epoch, already checked to fit DateTime64(9). */
  readonly times: readonly bigint[];
}

const NANOS_PER_SECOND = 1_000_000_000n;
// Times less than 90 days apart fall on at most 92 dates in any time zone (a daylight-saving day is
// an hour short), so most batches are counted without knowing the server's time zone.
const FEW_DAYS_NANOS = 90n * 86_400n * NANOS_PER_SECOND;
// toDate gives a Date, a UInt16 of days since 1970: times outside 1970–2149 wrap around (checked
// on ClickHouse 26: 1950-05-05 is 2129-10-09), so their partitions do too.
const DATE_DAYS = 65_536;
const UTC_NAMES: ReadonlySet<string> = new Set(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT', 'UCT', 'Etc/UCT']);

/**
 * Refuses, before anything is sent, a batch that ClickHouse would refuse in one table after other
 * tables stored theirs: the limit on partitions per insert. The partition key is `toDate(time)` in
 * the server's time zone, asked once, and only for a batch whose times are 90 days apart or more.
 */
export class PartitionCheck {
  private timeZone: Promise<string> | undefined;

  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
  ) {}

  /** Throws INVALID_DATA naming the first table whose rows fall on too many days. */
  async check(inserts: readonly PartitionedRows[]): Promise<void> {
    const wide = inserts.filter((insert) => !withinFewDays(insert.times));
    if (wide.length === 0) return;
    const partitionOf = partitionFunction(await this.serverTimeZone());
    // A zone this Node does not know: ClickHouse applies the limit itself, after the other tables.
    if (partitionOf === undefined) return;
    for (const { table, column, times } of wide) {
      const partitions = new Set<number>();
      const seconds = new Set(times.map(secondOf));
      for (const second of seconds) partitions.add(partitionOf(second));
      if (partitions.size > MAX_PARTITIONS_PER_INSERT) {
        throw new StorageError(
          'INVALID_DATA',
          BACKEND,
          `inserting ${times.length} rows into ${this.database}.${table}: Too many partitions for single INSERT block (more than ${MAX_PARTITIONS_PER_INSERT}): the rows fall on ${partitions.size} days (partition key toDate(${column})), refused before anything was sent`,
        );
      }
    }
  }

  private serverTimeZone(): Promise<string> {
    this.timeZone ??= this.queryTimeZone().catch((error: unknown) => {
      this.timeZone = undefined;
      throw error;
    });
    return this.timeZone;
  }

  private async queryTimeZone(): Promise<string> {
    try {
      // The session's time zone: what toDate uses for a DateTime64 column without one of its own.
      const result = await this.client.query({ query: 'SELECT timezone() AS tz', format: 'JSONEachRow' });
      const [row] = await result.json<{ tz: string }>();
      return row?.tz ?? 'UTC';
    } catch (error) {
      throw classify(error, 'reading the server time zone');
    }
  }
}

function withinFewDays(times: readonly bigint[]): boolean {
  if (times.length === 0) return true;
  let min = times[0] as bigint;
  let max = min;
  for (const t of times) {
    if (t < min) min = t;
    else if (t > max) max = t;
  }
  return max - min < FEW_DAYS_NANOS;
}

/** Whole seconds since the epoch, rounded down (also before 1970). */
function secondOf(nanos: bigint): number {
  const seconds = nanos / NANOS_PER_SECOND;
  return Number(nanos < 0n && seconds * NANOS_PER_SECOND !== nanos ? seconds - 1n : seconds);
}

/**
 * The partition (a Date's day number) of a second, as toDate computes it in `timeZone`; undefined
 * for a zone Intl does not know.
 */
function partitionFunction(timeZone: string): ((second: number) => number) | undefined {
  const wrap = (days: number) => ((days % DATE_DAYS) + DATE_DAYS) % DATE_DAYS;
  if (UTC_NAMES.has(timeZone)) return (second) => wrap(Math.floor(second / 86_400));
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
    });
  } catch {
    return undefined;
  }
  return (second) => {
    const parts = format.formatToParts(new Date(second * 1000));
    const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    return wrap(Date.UTC(part('year'), part('month') - 1, part('day')) / 86_400_000);
  };
}
