import type { MetricPoint, Span } from '@firefly/model';
import {
  checkBatchId,
  type MetricBatch,
  type SpanBatch,
  type StorageAdapter,
  StorageError,
} from '@firefly/storage';
import { describe, expect, it } from 'vitest';
import { randomBatchId } from '../fixtures/ids.js';
import { MemoryBackend } from '../memory/memory-backend.js';
import { MemoryStorage } from '../memory/memory-storage.js';
import { memoryTarget } from '../memory/memory-target.js';
import type { ConformanceOptions } from '../options.js';
import type { ConformanceTarget } from '../target.js';
import { type CheckName, checks } from './index.js';

// Small enough to run every check against every variant quickly, large enough to cross the
// truncating variant's limit.
const OPTIONS: ConformanceOptions = { largeBatchSpans: 3_000, concurrency: 3 };

interface Breakage {
  /** Replaces some methods of each adapter; `inner` is a working memory adapter on the shared backend. */
  adapter?(inner: StorageAdapter, adapterIndex: number): Partial<StorageAdapter>;
  readSpans?(spans: Span[]): Span[];
  readMetricPoints?(points: MetricPoint[]): MetricPoint[];
}

/** The memory target with one thing broken, as adapter authors break things. */
function brokenTarget(breakage: Breakage): ConformanceTarget {
  const backend = new MemoryBackend();
  const working = memoryTarget(backend);
  let adapters = 0;
  return {
    name: 'broken',
    createAdapter: async () => {
      const inner = new MemoryStorage(backend);
      return { ...delegate(inner), ...breakage.adapter?.(inner, adapters++) };
    },
    readSpans: async (ids) => (breakage.readSpans ?? same)(await working.readSpans(ids)),
    readMetricPoints: async (names) =>
      (breakage.readMetricPoints ?? same)(await working.readMetricPoints(names)),
  };
}

function delegate(inner: StorageAdapter): StorageAdapter {
  return {
    name: inner.name,
    migrate: () => inner.migrate(),
    writeSpans: (batch) => inner.writeSpans(batch),
    writeMetrics: (batch) => inner.writeMetrics(batch),
    health: () => inner.health(),
    close: () => inner.close(),
  };
}

function same<T>(items: T): T {
  return items;
}

/** Every check the target fails, with its message. */
async function failures(target: ConformanceTarget): Promise<Map<CheckName, string>> {
  const failed = new Map<CheckName, string>();
  for (const [name, check] of Object.entries(checks) as [CheckName, (typeof checks)[CheckName]][]) {
    try {
      await check.run(target, OPTIONS);
    } catch (error) {
      failed.set(name, error instanceof Error ? error.message : String(error));
    }
  }
  return failed;
}

/** Copies a model value, changing leaves (strings, numbers, bigints…) with `leaf`. */
function mapLeaves<T>(value: T, leaf: (value: unknown) => unknown): T {
  if (Array.isArray(value)) return value.map((item) => mapLeaves(item, leaf)) as T;
  if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array)) {
    const copy = {};
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(copy, key, {
        value: mapLeaves(item, leaf),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return copy as T;
  }
  return leaf(value) as T;
}

/**
 * Wraps writes so that the backend deduplicates on the id `rewrite` returns instead of the batch id
 * (or skips the write, resolving as if stored); `stored` hears of every batch id that was stored.
 * Keys are `spans:<id>` and `metrics:<id>`: the two kinds of batch never share ids in the pipeline.
 */
function rewriteIds(
  inner: StorageAdapter,
  rewrite: (key: string) => string | 'skip',
  stored: (key: string) => void = () => undefined,
): Partial<StorageAdapter> {
  const write = async <B extends SpanBatch | MetricBatch>(
    key: string,
    batch: B,
    store: (b: B) => Promise<unknown>,
  ) => {
    checkBatchId(batch.id, inner.name);
    const id = rewrite(key);
    if (id !== 'skip') await store({ ...batch, id });
    stored(key);
    return { accepted: 'spans' in batch ? batch.spans.length : batch.points.length };
  };
  return {
    writeSpans: (batch) => write(`spans:${batch.id}`, batch, (b) => inner.writeSpans(b)),
    writeMetrics: (batch) => write(`metrics:${batch.id}`, batch, (b) => inner.writeMetrics(b)),
  };
}

const WRITE_EXAMPLE_SPANS: CheckName[] = [
  'spanFidelity',
  'retrySameAdapter',
  'retryNewAdapter',
  'retryConcurrent',
  'lateRetry',
  'distinctBatches',
  'migrateTwice',
  'migrateConcurrently',
  'longestBatchIds',
];

const RETRIES: CheckName[] = ['retrySameAdapter', 'retryNewAdapter', 'retryConcurrent', 'lateRetry'];

interface Case {
  /** Called once per test, so variants that keep state start clean. */
  breakage(): Breakage;
  fails: CheckName[];
  /** A phrase the message of the first failing check must contain. */
  says: string | RegExp;
}

const CASES: Record<string, Case> = {
  'keeps only the W3C bits of span and link flags (a UInt8 column)': {
    breakage: () => ({
      readSpans: (spans) =>
        spans.map((span) => ({
          ...span,
          flags: span.flags & 0xff,
          links: span.links.map((link) => ({ ...link, flags: link.flags & 0xff })),
        })),
    }),
    fails: WRITE_EXAMPLE_SPANS,
    says: /\.flags: expected 769 \(number\), got 1 \(number\)/,
  },
  'reads an undefined histogram sum back as 0 (a non-nullable column)': {
    breakage: () => ({
      readMetricPoints: (points) =>
        points.map((point) =>
          point.type === 'histogram' || point.type === 'exponential_histogram'
            ? { ...point, sum: point.sum ?? 0 }
            : point,
        ),
    }),
    fails: [
      'histogramFidelity',
      'exponentialHistogramFidelity',
      'mixedMetricBatch',
      ...RETRIES,
      'distinctBatches',
      'concurrentWriters',
      'migrateTwice',
      'migrateConcurrently',
      'longestBatchIds',
    ],
    says: /\.sum: expected undefined, got 0 \(number\)/,
  },
  'loses int64 precision in span attributes (JSON numbers)': {
    breakage: () => ({
      readSpans: (spans) =>
        spans.map((span) => ({
          ...span,
          attributes: mapLeaves(span.attributes, (v) => (typeof v === 'bigint' ? BigInt(Number(v)) : v)),
        })),
    }),
    fails: ['exoticSpanValues'],
    says: '["int.2^53+1"]: expected 9007199254740993n (bigint), got 9007199254740992n (bigint)',
  },
  'turns -0 into 0': {
    breakage: () => ({
      readSpans: (spans) => mapLeaves(spans, (v) => (Object.is(v, -0) ? 0 : v)),
      readMetricPoints: (points) => mapLeaves(points, (v) => (Object.is(v, -0) ? 0 : v)),
    }),
    fails: ['exoticSpanValues', 'exoticMetricValues'],
    says: '["double.-0"]: expected -0 (number), got 0 (number)',
  },
  'cuts strings at NUL (a C string)': {
    breakage: () => ({
      readSpans: (spans) => mapLeaves(spans, (v) => (typeof v === 'string' ? v.split('\u0000')[0] : v)),
      readMetricPoints: (points) =>
        mapLeaves(points, (v) => (typeof v === 'string' ? v.split('\u0000')[0] : v)),
    }),
    fails: ['exoticSpanValues', 'exoticMetricValues'],
    says: '["string.nul"]: expected "before\\u0000after" (string), got "before" (string) (first difference at index 6)',
  },
  'stores a retried batch again': {
    breakage: () => ({ adapter: (inner) => rewriteIds(inner, () => randomBatchId('again')) }),
    fails: [...RETRIES, 'longestBatchIds'],
    says: 'stored twice, expected once',
  },
  'deduplicates in the adapter process only': {
    breakage: () => ({
      adapter: (inner) => {
        const seen = new Set<string>();
        const rewrite = (key: string) => (seen.has(key) ? 'skip' : randomBatchId('local'));
        return rewriteIds(inner, rewrite, (key) => seen.add(key));
      },
    }),
    fails: ['retryNewAdapter', 'retryConcurrent', 'lateRetry'],
    says: 'a batch retried after a restart was not stored exactly once',
  },
  'remembers only the last 1,000 batch ids (a deduplication window)': {
    breakage: () => ({ adapter: dedupWindow(1_000) }),
    fails: ['lateRetry'],
    says: 'a batch retried long after it was first written was stored again',
  },
  'drops spans past 2,048 in one batch': {
    breakage: () => ({
      adapter: (inner) => ({
        writeSpans: async (batch) => {
          await inner.writeSpans({ ...batch, spans: batch.spans.slice(0, 2_048) });
          return { accepted: batch.spans.length };
        },
      }),
    }),
    fails: ['largeBatch'],
    says: 'a batch of 3000 spans left 2048 stored (952 lost) in its 3 traces',
  },
  'drops a span write that overlaps one from another adapter (lost update)': {
    breakage: () => ({ adapter: lostUpdates() }),
    fails: ['lateRetry', 'concurrentWriters', 'migrateConcurrently'],
    says: /one-point batches were written but \d+ spans and 1100 points are stored/,
  },
  'applies every migration again on each run': {
    breakage: () => ({
      adapter: (inner) => ({
        migrate: async () => {
          const report = await inner.migrate();
          return { ...report, applied: [...report.skipped, ...report.applied], skipped: [] };
        },
      }),
    }),
    fails: ['migrateTwice', 'migrateConcurrently'],
    says: 'second migrate(): applied 0001_spans, 0002_metric_points, 0003_batch_ids again',
  },
  'reports migrations from its own memory, not from the backend': {
    breakage: () => ({
      adapter: (inner) => {
        let ran = false;
        return {
          migrate: async () => {
            const report = await inner.migrate();
            const all = [...report.applied, ...report.skipped];
            const applied = ran ? [] : all;
            ran = true;
            return {
              applied,
              skipped: all.filter((name) => !applied.includes(name)),
              version: report.version,
            };
          },
        };
      },
    }),
    fails: ['migrateTwice', 'migrateConcurrently'],
    says: 'migrate() from a new adapter: applied 0001_spans, 0002_metric_points, 0003_batch_ids again',
  },
  'fails a migration that runs while another one does': {
    breakage: () => ({ adapter: exclusiveMigrations() }),
    fails: ['migrateConcurrently'],
    says: 'adapter 2: migrate() rejected: StorageError: a migration is already running',
  },
  'throws on the second close()': {
    breakage: () => ({
      adapter: (inner) => {
        let closed = false;
        return {
          close: async () => {
            if (closed) throw new Error('already closed');
            closed = true;
            await inner.close();
          },
        };
      },
    }),
    fails: ['closeTwice'],
    says: 'second close() failed: Error: already closed',
  },
  'keeps writing after close()': {
    breakage: () => ({ adapter: () => ({ close: async () => undefined }) }),
    fails: ['writesAfterClose'],
    says: /writeSpans with batch id "conformance:closed:[0-9a-f]+" resolved with \{"accepted":7\}, expected a StorageError with code CLOSED/,
  },
  'throws plain Errors instead of StorageErrors': {
    breakage: () => ({ adapter: (inner) => plainErrors(inner) }),
    fails: ['invalidBatchIds', 'writesAfterClose'],
    says: 'writeSpans with batch id "" rejected with Error: the batch id is empty, expected a StorageError with code INVALID_BATCH',
  },
  'calls a bad batch id retryable': {
    breakage: () => ({ adapter: (inner) => retryableBadIds(inner) }),
    fails: ['invalidBatchIds'],
    says: 'rejected with StorageError UNAVAILABLE (retryable: true), expected INVALID_BATCH (retryable: false)',
  },
  'truncates batch ids to 255 characters (a VARCHAR(255) key)': {
    breakage: () => ({
      adapter: (inner) => rewriteIds(inner, (key) => key.slice(key.indexOf(':') + 1).slice(0, 255)),
    }),
    fails: ['longestBatchIds'],
    says: /span [0-9a-f]{32}\/[0-9a-f]{16}: missing/,
  },
  'reports accepted 0 for a deduplicated retry': {
    breakage: () => ({
      adapter: (inner) => {
        const seen = new Set<string>();
        const count = async (id: string, write: () => Promise<{ accepted: number }>) => {
          const result = await write();
          const retry = seen.has(id);
          seen.add(id);
          return retry ? { accepted: 0 } : result;
        };
        return {
          writeSpans: (batch) => count(batch.id, () => inner.writeSpans(batch)),
          writeMetrics: (batch) => count(batch.id, () => inner.writeMetrics(batch)),
        };
      },
    }),
    fails: ['retrySameAdapter', 'longestBatchIds'],
    says: 'resolved with accepted 0, expected 7 (a deduplicated retry reports every item too)',
  },
  'reports itself unhealthy': {
    breakage: () => ({
      adapter: () => ({ health: async () => ({ healthy: false, detail: '', latencyMs: -1 }) }),
    }),
    fails: ['healthy'],
    says: 'healthy: expected true, got false (boolean)',
  },
};

/** Deduplicates on the last `size` batch ids, kept for every adapter of the variant as a backend would. */
function dedupWindow(size: number): NonNullable<Breakage['adapter']> {
  const window: string[] = [];
  return (inner) =>
    // Remembered before the write, so only the window's length lets a retry through.
    rewriteIds(inner, (key) => {
      if (window.includes(key)) return 'skip';
      window.push(key);
      if (window.length > size) window.shift();
      return randomBatchId('window');
    });
}

/** Drops a span write that starts while another adapter's span write is in flight. */
function lostUpdates(): NonNullable<Breakage['adapter']> {
  const inFlight = new Set<number>();
  return (inner, index) => ({
    writeSpans: async (batch) => {
      const overlapped = inFlight.size > 0 && !inFlight.has(index);
      inFlight.add(index);
      try {
        const result = await inner.writeSpans(overlapped ? { ...batch, spans: [] } : batch);
        return { accepted: overlapped ? batch.spans.length : result.accepted };
      } finally {
        inFlight.delete(index);
      }
    },
  });
}

/** Refuses a migration while another adapter's is running, instead of waiting for it. */
function exclusiveMigrations(): NonNullable<Breakage['adapter']> {
  let migrating = false;
  return (inner) => ({
    migrate: async () => {
      if (migrating) throw new StorageError('UNAVAILABLE', inner.name, 'a migration is already running');
      migrating = true;
      try {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return await inner.migrate();
      } finally {
        migrating = false;
      }
    },
  });
}

function plainErrors(inner: StorageAdapter): Partial<StorageAdapter> {
  const plain = async <T>(write: () => Promise<T>) => {
    try {
      return await write();
    } catch (error) {
      throw new Error((error as Error).message);
    }
  };
  return {
    writeSpans: (batch) => plain(() => inner.writeSpans(batch)),
    writeMetrics: (batch) => plain(() => inner.writeMetrics(batch)),
  };
}

function retryableBadIds(inner: StorageAdapter): Partial<StorageAdapter> {
  const reclassify = async <T>(write: () => Promise<T>) => {
    try {
      return await write();
    } catch (error) {
      if (error instanceof StorageError && error.code === 'INVALID_BATCH') {
        throw new StorageError('UNAVAILABLE', inner.name, error.message);
      }
      throw error;
    }
  };
  return {
    writeSpans: (batch) => reclassify(() => inner.writeSpans(batch)),
    writeMetrics: (batch) => reclassify(() => inner.writeMetrics(batch)),
  };
}

describe('the suite fails adapters that break the contract, in exactly the checks that cover it', () => {
  it('passes the working memory adapter', async () => {
    expect([...(await failures(memoryTarget())).keys()]).toEqual([]);
  });

  for (const [name, { breakage, fails, says }] of Object.entries(CASES)) {
    it(`an adapter that ${name}`, async () => {
      const failed = await failures(brokenTarget(breakage()));
      expect([...failed.keys()].sort()).toEqual([...fails].sort());
      const first = failed.get(fails[0] as CheckName) ?? '';
      if (typeof says === 'string') expect(first).toContain(says);
      else expect(first).toMatch(says);
    }, 30_000);
  }
});

describe('what the suite does not require', () => {
  it('passes an adapter that reads back in any order, with copies of resources, Buffers for bytes and keys reordered', async () => {
    const reshuffle = <T>(items: T[]) =>
      mapLeaves([...items].reverse(), (v) => (v instanceof Uint8Array ? Buffer.from(v) : v)).map((item) =>
        reverseKeys(item),
      );
    const target = brokenTarget({ readSpans: reshuffle, readMetricPoints: reshuffle });
    expect([...(await failures(target)).keys()]).toEqual([]);
  }, 30_000);
});

/** The same object with its own keys inserted in reverse order (mapLeaves already copied it). */
function reverseKeys<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array)
    return value;
  const copy = {};
  for (const key of Object.keys(value).reverse()) {
    const item = reverseKeys((value as Record<string, unknown>)[key]);
    Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
  }
  return copy as T;
}
