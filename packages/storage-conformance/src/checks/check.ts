import { type ConformanceOptions, type ResolvedOptions, resolveOptions } from '../options.js';
import type { ConformanceTarget } from '../target.js';

/** The groups `describeStorageConformance` registers, in order. */
export const SUITES = [
  'fidelity',
  'exotic values',
  'idempotent retries',
  'concurrent writers',
  'large batches',
  'migrations',
  'contract edges',
] as const;

export type SuiteName = (typeof SUITES)[number];

/**
 * One conformance test, runnable on its own: `run` resolves when the target conforms and throws a
 * `ConformanceError` (or the adapter's own error) naming what is wrong when it does not.
 */
export interface ConformanceCheck {
  readonly suite: SuiteName;
  /** The test's title; it can depend on the options, e.g. the size of the large batch. */
  title(options: ResolvedOptions): string;
  run(target: ConformanceTarget, options?: ConformanceOptions): Promise<void>;
}

export function defineCheck(
  suite: SuiteName,
  title: string | ((options: ResolvedOptions) => string),
  body: (target: ConformanceTarget, options: ResolvedOptions) => Promise<void>,
): ConformanceCheck {
  return {
    suite,
    title: typeof title === 'string' ? () => title : title,
    run: (target, options) => body(target, resolveOptions(options)),
  };
}
