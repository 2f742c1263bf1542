export interface ClickHouseStorageOptions {
  /** ClickHouse's HTTP interface, e.g. `http://127.0.0.1:8123`. */
  url: string;
  username?: string;
  password?: string;
  /** Database for every table; created by `migrate()` if missing. */
  database?: string;
  /** Days to keep data (partitions are dropped whole); 0 keeps it forever. */
  ttlDays?: number;
  /**
   * Gzip (level 1) request bodies and responses. Off by default: it saves bandwidth but costs the
   * collector ~25% of its insert rate (bench/); turn it on when ClickHouse is across a slow link.
   */
  compression?: boolean;
  requestTimeoutMs?: number;
  /**
   * How many recent insert blocks per table ClickHouse remembers the deduplication tokens of (the
   * tables' `non_replicated_deduplication_window`): a retried batch is dropped as long as fewer than
   * this many blocks reached the same table since it was first written. Counted in blocks, not
   * batches: ClickHouse splits each insert into one block per day partition its rows fall on (a
   * span batch over 3 days takes 3), and a metrics batch inserts once per point type, each counting
   * in its own table. `migrate()` applies it, to existing tables too when it changes.
   */
  dedupWindow?: number;
  maxOpenConnections?: number;
  /**
   * How rows travel: Native (columns; the fastest for ClickHouse to take in), RowBinary (rows) or
   * JSONCompactEachRow (readable, for debugging).
   */
  insertFormat?: InsertFormat;
}

export const INSERT_FORMATS = ['Native', 'RowBinary', 'JSONCompactEachRow'] as const;
export type InsertFormat = (typeof INSERT_FORMATS)[number];

export type ResolvedOptions = Required<ClickHouseStorageOptions>;

export const DEFAULTS = {
  username: 'default',
  password: '',
  database: 'firefly',
  ttlDays: 30,
  compression: false,
  requestTimeoutMs: 30_000,
  dedupWindow: 10_000,
  maxOpenConnections: 10,
  insertFormat: 'Native',
} as const satisfies Omit<ResolvedOptions, 'url'>;

/** A configuration value that cannot work; `field` names the option. */
export class ClickHouseStorageConfigError extends Error {
  override readonly name = 'ClickHouseStorageConfigError';
  constructor(
    readonly field: keyof ClickHouseStorageOptions,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** The options with defaults applied; throws naming the first field that is wrong. */
export function resolveOptions(options: ClickHouseStorageOptions): ResolvedOptions {
  const resolved: ResolvedOptions = { ...DEFAULTS, ...withoutUndefined(options) } as ResolvedOptions;
  let url: URL;
  try {
    url = new URL(resolved.url);
  } catch {
    throw new ClickHouseStorageConfigError('url', `"${resolved.url}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ClickHouseStorageConfigError('url', `must be http: or https:, got "${url.protocol}"`);
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(resolved.database)) {
    throw new ClickHouseStorageConfigError(
      'database',
      `must be a plain identifier ([A-Za-z_][A-Za-z0-9_]*), got "${resolved.database}"`,
    );
  }
  checkInteger('ttlDays', resolved.ttlDays, 0, 36_500);
  checkInteger('requestTimeoutMs', resolved.requestTimeoutMs, 1, 3_600_000);
  checkInteger('dedupWindow', resolved.dedupWindow, 1, 100_000);
  checkInteger('maxOpenConnections', resolved.maxOpenConnections, 1, 1_000);
  if (!(INSERT_FORMATS as readonly string[]).includes(resolved.insertFormat)) {
    throw new ClickHouseStorageConfigError(
      'insertFormat',
      `must be one of ${INSERT_FORMATS.join(', ')}, got "${resolved.insertFormat}"`,
    );
  }
  return resolved;
}

function checkInteger(field: keyof ClickHouseStorageOptions, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ClickHouseStorageConfigError(
      field,
      `must be a whole number from ${min} to ${max}, got ${value}`,
    );
  }
}

function withoutUndefined<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as Partial<T>;
}
