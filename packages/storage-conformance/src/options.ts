/** Tuning for {@link describeStorageConformance}; every field is optional. */
export interface ConformanceOptions {
  /** Spans in the one large batch. Default 100,000. */
  largeBatchSpans?: number;
  /** Timeout of each test, in milliseconds, in place of vitest's `testTimeout`. Default 120,000. */
  timeoutMs?: number;
  /** Adapters writing, retrying or migrating at the same moment in the concurrent checks. Default 4. */
  concurrency?: number;
}

export type ResolvedOptions = Required<ConformanceOptions>;

export const DEFAULT_OPTIONS: ResolvedOptions = {
  largeBatchSpans: 100_000,
  // The late-retry check makes 2,200 inserts: about 40 s on the development ClickHouse.
  timeoutMs: 120_000,
  concurrency: 4,
};

// One writer is not concurrency, and a one-span "large" batch would test nothing the others do not.
const MINIMUM: ResolvedOptions = { largeBatchSpans: 2, timeoutMs: 1, concurrency: 2 };

/** Fills in defaults; throws a `TypeError` naming the option when a value is not an integer in range. */
export function resolveOptions(options: ConformanceOptions = {}): ResolvedOptions {
  const resolved = { ...DEFAULT_OPTIONS };
  for (const key of Object.keys(DEFAULT_OPTIONS) as (keyof ResolvedOptions)[]) {
    const value: unknown = options[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < MINIMUM[key]) {
      throw new TypeError(
        `storage conformance: option ${key} must be an integer of at least ${MINIMUM[key]}, got ${String(value)}`,
      );
    }
    resolved[key] = value;
  }
  return resolved;
}
