import { modelJsonReplacer } from '@firefly/model';
import {
  MAX_BATCH_ID_LENGTH,
  type StorageAdapter,
  StorageError,
  type StorageErrorCode,
} from '@firefly/storage';
import { describeValue } from '../compare/describe-value.js';
import { ConformanceError } from '../errors.js';
import { randomBatchId, randomHex } from '../fixtures/ids.js';
import { exampleMetricPoints } from '../fixtures/metrics.js';
import { exampleSpans } from '../fixtures/spans.js';
import type { ConformanceTarget } from '../target.js';
import { defineCheck } from './check.js';
import {
  attempt,
  expectStoredPoints,
  expectStoredSpans,
  withAdapter,
  withAdapters,
  writeMetrics,
  writeSpans,
} from './session.js';

/** Resolves when `operation` rejects with a permanent `StorageError` of `code`; throws otherwise. */
async function expectStorageError(
  what: string,
  operation: () => Promise<unknown>,
  code: StorageErrorCode,
): Promise<void> {
  let outcome: unknown;
  try {
    outcome = await operation();
  } catch (error) {
    checkStorageError(what, error, code);
    return;
  }
  throw new ConformanceError(
    `${what} resolved with ${JSON.stringify(outcome, modelJsonReplacer)}, expected a StorageError with code ${code}`,
  );
}

function checkStorageError(what: string, error: unknown, code: StorageErrorCode): void {
  if (!(error instanceof StorageError)) {
    if (error instanceof Error && error.name === 'StorageError') {
      throw new ConformanceError(
        `${what} rejected with a StorageError from another copy of @firefly/storage; instanceof fails, so the pipeline's isRetryable() would retry it forever. Depend on the @firefly/storage the pipeline uses (a peer dependency)`,
      );
    }
    const shown = error instanceof Error ? `${error.name}: ${error.message}` : describeValue(error);
    throw new ConformanceError(
      `${what} rejected with ${shown}, expected a StorageError with code ${code}`,
      [],
      {
        cause: error,
      },
    );
  }
  if (error.code !== code || error.retryable) {
    throw new ConformanceError(
      `${what} rejected with StorageError ${error.code} (retryable: ${error.retryable}), expected ${code} (retryable: false): ${error.message}`,
      [],
      { cause: error },
    );
  }
}

/** Nothing of a refused write may be stored: the pipeline sends it to the dead-letter path instead. */
async function expectNothingStored(
  target: ConformanceTarget,
  traceIds: string[],
  metricNames: string[],
  what: string,
) {
  const spans = await attempt(`${target.name}: readSpans`, () => target.readSpans(traceIds));
  const points = await attempt(`${target.name}: readMetricPoints`, () =>
    target.readMetricPoints(metricNames),
  );
  if (spans.length > 0 || points.length > 0) {
    throw new ConformanceError(
      `${target.name}: ${what} stored ${spans.length} spans and ${points.length} points`,
    );
  }
}

async function expectBothRefused(
  target: ConformanceTarget,
  adapter: StorageAdapter,
  id: string,
  code: StorageErrorCode,
) {
  const spans = exampleSpans();
  const points = exampleMetricPoints();
  const shown =
    id.length > 40 ? `${JSON.stringify(id.slice(0, 40))}… (${id.length} characters)` : JSON.stringify(id);
  await expectStorageError(
    `writeSpans with batch id ${shown}`,
    () => adapter.writeSpans({ id, spans }),
    code,
  );
  await expectStorageError(
    `writeMetrics with batch id ${shown}`,
    () => adapter.writeMetrics({ id, points }),
    code,
  );
  const names = [...new Set(points.map((point) => point.metric.name))];
  await expectNothingStored(
    target,
    [spans[0]?.traceId ?? ''],
    names,
    `a refused write with batch id ${shown}`,
  );
}

export const emptyBatches = defineCheck(
  'contract edges',
  'an empty span batch and an empty metric batch resolve with accepted 0',
  async (target) => {
    await withAdapter(target, async (adapter) => {
      await writeSpans(adapter, { id: randomBatchId('empty'), spans: [] });
      await writeMetrics(adapter, { id: randomBatchId('empty'), points: [] });
    });
  },
);

export const invalidBatchIds = defineCheck(
  'contract edges',
  `batch ids that are empty, over ${MAX_BATCH_ID_LENGTH} characters or hold control characters reject with a permanent INVALID_BATCH StorageError and store nothing`,
  async (target) => {
    const invalid = ['', 'x'.repeat(MAX_BATCH_ID_LENGTH + 1), 'kafka:t/0/1-2\n', 'tab\there', '\u0000'];
    await withAdapter(target, async (adapter) => {
      for (const id of invalid) await expectBothRefused(target, adapter, id, 'INVALID_BATCH');
    });
  },
);

export const longestBatchIds = defineCheck(
  'contract edges',
  `batch ids of exactly ${MAX_BATCH_ID_LENGTH} characters, non-ASCII included, are accepted, deduplicated, and told apart by their last character`,
  async (target) => {
    const stem = `kafka:firefly.spans.ü🔥/${randomHex(8)}/`;
    const longest = (last: string) => stem + 'é'.repeat(MAX_BATCH_ID_LENGTH - stem.length - 1) + last;
    const first = { id: longest('1'), spans: exampleSpans() };
    const second = { id: longest('2'), spans: exampleSpans() };
    const points = { id: longest('3'), points: exampleMetricPoints() };
    await withAdapter(target, async (adapter) => {
      for (const batch of [first, first, second]) await writeSpans(adapter, batch);
      for (const batch of [points, points]) await writeMetrics(adapter, batch);
    });
    await expectStoredSpans(
      target,
      [...first.spans, ...second.spans],
      `${MAX_BATCH_ID_LENGTH}-character batch ids`,
    );
    await expectStoredPoints(target, points.points, `${MAX_BATCH_ID_LENGTH}-character batch ids`);
  },
);

export const writesAfterClose = defineCheck(
  'contract edges',
  'writes after close() reject with a permanent CLOSED StorageError and store nothing',
  async (target) => {
    // Not withAdapter: its closing would test close() twice, which closeTwice covers on its own.
    const adapter = await attempt(`${target.name}: createAdapter()`, () => target.createAdapter());
    try {
      await attempt(`${target.name}: migrate()`, () => adapter.migrate());
    } finally {
      await attempt(`${target.name}: close()`, () => adapter.close());
    }
    await expectBothRefused(target, adapter, randomBatchId('closed'), 'CLOSED');
  },
);

export const closeTwice = defineCheck(
  'contract edges',
  'close() twice in a row, and twice at once, resolves',
  async (target) => {
    await withAdapters(target, 2, async ([one, two]) => {
      if (!one || !two) return;
      await attempt('first close()', () => one.close());
      await attempt('second close()', () => one.close());
      await attempt('two close() at once', () => Promise.all([two.close(), two.close()]));
    });
  },
);

export const healthy = defineCheck(
  'contract edges',
  'health() on a live adapter reports healthy, with a detail and a latency',
  async (target) => {
    const report = await withAdapter(target, (adapter) =>
      attempt(`${target.name}: health()`, () => adapter.health()),
    );
    const problems: string[] = [];
    if (report?.healthy !== true)
      problems.push(`healthy: expected true, got ${describeValue(report?.healthy)}`);
    if (typeof report?.detail !== 'string' || report.detail === '') {
      problems.push(`detail: expected what was checked, got ${describeValue(report?.detail)}`);
    }
    const latency = report?.latencyMs;
    if (typeof latency !== 'number' || !Number.isFinite(latency) || latency < 0) {
      problems.push(`latencyMs: expected a finite number of at least 0, got ${describeValue(latency)}`);
    }
    if (problems.length > 0) throw new ConformanceError(`${target.name}: health() report is wrong`, problems);
  },
);
