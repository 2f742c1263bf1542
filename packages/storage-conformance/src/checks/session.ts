import type { MetricPoint, Span } from '@firefly/model';
import type { MetricBatch, SpanBatch, StorageAdapter } from '@firefly/storage';
import { diffMetricPoints, diffSpans } from '../compare/match.js';
import { assertNoDifferences, ConformanceError } from '../errors.js';
import type { ConformanceTarget } from '../target.js';

/**
 * Runs `body` with `count` fresh adapters, migrated one after the other unless `migrate` is false,
 * and closes every one afterwards, even when `body` throws (its error wins over a close error).
 */
export async function withAdapters<T>(
  target: ConformanceTarget,
  count: number,
  body: (adapters: StorageAdapter[]) => Promise<T>,
  { migrate = true }: { migrate?: boolean } = {},
): Promise<T> {
  const created = await Promise.allSettled(Array.from({ length: count }, () => target.createAdapter()));
  const adapters = created.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  let result: T;
  try {
    const failed = created.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failure(`${target.name}: createAdapter() failed`, failed.reason);
    for (const adapter of migrate ? adapters : []) {
      await attempt(`${target.name}: migrate()`, () => adapter.migrate());
    }
    result = await body(adapters);
  } catch (error) {
    await Promise.allSettled(adapters.map((adapter) => adapter.close()));
    throw error;
  }
  const closed = await Promise.allSettled(adapters.map((adapter) => adapter.close()));
  const closeFailure = closed.find((outcome) => outcome.status === 'rejected');
  if (closeFailure) throw failure(`${target.name}: close() failed`, closeFailure.reason);
  return result;
}

/** `withAdapters` with one adapter. */
export function withAdapter<T>(
  target: ConformanceTarget,
  body: (adapter: StorageAdapter) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  return withAdapters(target, 1, ([adapter]) => body(adapter as StorageAdapter), options);
}

/** Writes a span batch; throws unless it resolves reporting every span accepted. */
export async function writeSpans(adapter: StorageAdapter, batch: SpanBatch): Promise<void> {
  const result = await attempt(`writeSpans(${describeBatch(batch.id, batch.spans.length, 'spans')})`, () =>
    adapter.writeSpans(batch),
  );
  checkAccepted('writeSpans', batch.id, result.accepted, batch.spans.length);
}

/** Writes a metric batch; throws unless it resolves reporting every point accepted. */
export async function writeMetrics(adapter: StorageAdapter, batch: MetricBatch): Promise<void> {
  const result = await attempt(
    `writeMetrics(${describeBatch(batch.id, batch.points.length, 'points')})`,
    () => adapter.writeMetrics(batch),
  );
  checkAccepted('writeMetrics', batch.id, result.accepted, batch.points.length);
}

function checkAccepted(method: string, id: string, accepted: unknown, expected: number): void {
  if (accepted !== expected) {
    throw new ConformanceError(
      `${method} of batch ${JSON.stringify(id)} resolved with accepted ${String(accepted)}, expected ${expected} (a deduplicated retry reports every item too)`,
    );
  }
}

export interface ReadOptions {
  /** Keep only what was written: for traces other runs share, such as the all-zero trace id. */
  onlyWritten?: boolean;
}

/** Reads back the traces of `expected` and throws unless they hold exactly `expected`. */
export async function expectStoredSpans(
  target: ConformanceTarget,
  expected: readonly Span[],
  summary: string,
  options: ReadOptions = {},
): Promise<void> {
  const traceIds = [...new Set(expected.map((span) => span.traceId))];
  let actual = await attempt(`${target.name}: readSpans`, () => target.readSpans(traceIds));
  if (options.onlyWritten) {
    const written = new Set(expected.map((span) => `${span.traceId}/${span.spanId}`));
    actual = actual.filter((span) => written.has(`${span.traceId}/${span.spanId}`));
  }
  assertNoDifferences(`${target.name}: ${summary}`, diffSpans(expected, actual));
}

/** Reads back the metric names of `expected` and throws unless they hold exactly `expected`. */
export async function expectStoredPoints(
  target: ConformanceTarget,
  expected: readonly MetricPoint[],
  summary: string,
): Promise<void> {
  const names = [...new Set(expected.map((point) => point.metric.name))];
  const actual = await attempt(`${target.name}: readMetricPoints`, () => target.readMetricPoints(names));
  assertNoDifferences(`${target.name}: ${summary}`, diffMetricPoints(expected, actual));
}

/** Counts stored spans of these traces with the target's `countSpans`, or by reading them. */
export async function countSpans(target: ConformanceTarget, traceIds: readonly string[]): Promise<number> {
  const count = target.countSpans;
  if (count) return attempt(`${target.name}: countSpans`, () => count.call(target, traceIds));
  const spans = await attempt(`${target.name}: readSpans`, () => target.readSpans(traceIds));
  return spans.length;
}

/** Runs `operation`, turning a rejection into a `ConformanceError` that says which call failed. */
export async function attempt<T>(what: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof ConformanceError) throw error;
    throw failure(`${what} failed`, error);
  }
}

function failure(what: string, cause: unknown): ConformanceError {
  const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return new ConformanceError(`${what}: ${reason}`, [], { cause });
}

function describeBatch(id: string, size: number, noun: string): string {
  return `${JSON.stringify(id)}, ${size} ${noun}`;
}
