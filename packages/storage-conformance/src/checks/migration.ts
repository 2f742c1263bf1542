import { modelJsonReplacer } from '@firefly/model';
import type { MigrationReport, StorageAdapter } from '@firefly/storage';
import { assertNoDifferences, ConformanceError } from '../errors.js';
import { randomBatchId } from '../fixtures/ids.js';
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

/** Problems with one report on its own: its shape, and a migration both applied and skipped. */
function reportProblems(label: string, report: MigrationReport): string[] {
  const problems: string[] = [];
  const isNames = (value: unknown) => Array.isArray(value) && value.every((name) => typeof name === 'string');
  if (!isNames(report?.applied) || !isNames(report?.skipped)) {
    return [
      `${label}: applied and skipped must be arrays of migration names, got ${JSON.stringify(report, modelJsonReplacer)}`,
    ];
  }
  if (typeof report.version !== 'string' || report.version === '') {
    problems.push(
      `${label}: version must name the newest migration in place, got ${JSON.stringify(report.version)}`,
    );
  }
  const both = report.applied.filter((name) => report.skipped.includes(name));
  if (both.length > 0) problems.push(`${label}: ${both.join(', ')} reported both applied and skipped`);
  return problems;
}

/** Problems of a later report against an earlier one: it must apply nothing and end where it did. */
function laterProblems(label: string, earlier: MigrationReport, later: MigrationReport): string[] {
  const problems = reportProblems(label, later);
  if (problems.length > 0) return problems;
  if (later.applied.length > 0) problems.push(`${label}: applied ${later.applied.join(', ')} again`);
  if (later.version !== earlier.version) {
    problems.push(
      `${label}: version ${JSON.stringify(later.version)}, but the run before reported ${JSON.stringify(earlier.version)}`,
    );
  }
  problems.push(...migrationSetProblems(label, later, migrationsOf(earlier), 'the run before'));
  return problems;
}

function migrationsOf(report: MigrationReport): string[] {
  return [...new Set([...report.applied, ...report.skipped])].sort();
}

/** Every run must account for every migration, as applied or as skipped. */
function migrationSetProblems(
  label: string,
  report: MigrationReport,
  expected: string[],
  other: string,
): string[] {
  const seen = migrationsOf(report);
  if (seen.join('\n') === expected.join('\n')) return [];
  return [`${label}: reports migrations [${seen.join(', ')}], ${other} [${expected.join(', ')}]`];
}

function migrate(target: ConformanceTarget, adapter: StorageAdapter): Promise<MigrationReport> {
  return attempt(`${target.name}: migrate()`, () => adapter.migrate());
}

async function writesWork(target: ConformanceTarget, adapters: StorageAdapter[]): Promise<void> {
  const spans = exampleSpans();
  const points = exampleMetricPoints();
  await Promise.all(
    adapters.map((adapter, i) =>
      Promise.all([
        writeSpans(adapter, {
          id: randomBatchId(`after-migrate-${i}`),
          spans: spans.filter((_, j) => j % adapters.length === i),
        }),
        writeMetrics(adapter, {
          id: randomBatchId(`after-migrate-${i}`),
          points: points.filter((_, j) => j % adapters.length === i),
        }),
      ]),
    ),
  );
  await expectStoredSpans(target, spans, 'spans written after migrating differ');
  await expectStoredPoints(target, points, 'points written after migrating differ');
}

export const migrateTwice = defineCheck(
  'migrations',
  'migrate() twice in a row, then from a new adapter: later runs apply nothing and report the same version; writes work',
  async (target) => {
    await withAdapter(
      target,
      async (adapter) => {
        const first = await migrate(target, adapter);
        const second = await migrate(target, adapter);
        const third = await withAdapter(target, (fresh) => migrate(target, fresh), { migrate: false });
        assertNoDifferences(`${target.name}: migration reports are inconsistent`, [
          ...reportProblems('first migrate()', first),
          ...laterProblems('second migrate()', first, second),
          ...laterProblems('migrate() from a new adapter', first, third),
        ]);
        await writesWork(target, [adapter]);
      },
      { migrate: false },
    );
  },
);

export const migrateConcurrently = defineCheck(
  'migrations',
  (options) =>
    `migrate() from ${options.concurrency} adapters at once: all succeed with the same version, a later run applies nothing, and every adapter can write`,
  async (target, options) => {
    await withAdapters(
      target,
      options.concurrency,
      async (adapters) => {
        const outcomes = await Promise.allSettled(adapters.map((adapter) => adapter.migrate()));
        const failures = outcomes.flatMap((outcome, i) =>
          outcome.status === 'rejected'
            ? [`adapter ${i + 1}: migrate() rejected: ${String(outcome.reason)}`]
            : [],
        );
        assertNoDifferences(`${target.name}: concurrent migrations failed`, failures);
        const reports = outcomes.map((outcome) => (outcome as PromiseFulfilledResult<MigrationReport>).value);
        const [first] = reports;
        if (first === undefined) throw new ConformanceError('no adapter migrated');
        const shapes = reports.flatMap((report, i) => reportProblems(`adapter ${i + 1}`, report));
        assertNoDifferences(`${target.name}: concurrent migration reports are malformed`, shapes);
        const all = migrationsOf(first);
        const settled: MigrationReport = { applied: [], skipped: all, version: first.version };
        const after = await withAdapter(target, (fresh) => migrate(target, fresh), { migrate: false });
        assertNoDifferences(`${target.name}: concurrent migration reports are inconsistent`, [
          ...reports.flatMap((report, i) => [
            ...migrationSetProblems(`adapter ${i + 1}`, report, all, 'adapter 1'),
            ...(report.version === first.version
              ? []
              : [
                  `adapter ${i + 1}: version ${JSON.stringify(report.version)}, adapter 1 reported ${JSON.stringify(first.version)}`,
                ]),
          ]),
          ...laterProblems('migrate() after the concurrent runs', settled, after),
        ]);
        await writesWork(target, adapters);
      },
      { migrate: false },
    );
  },
);
