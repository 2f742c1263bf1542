import { describe, it } from 'vitest';
import { SUITES } from './checks/check.js';
import { checks } from './checks/index.js';
import { type ConformanceOptions, resolveOptions } from './options.js';
import type { ConformanceTarget } from './target.js';

/**
 * Registers the conformance suite for `target` as vitest `describe`/`it` blocks: call it at the top
 * level of a test file. Every test creates, migrates and closes its own adapters and uses fresh
 * random trace ids and metric names, so the backend never needs to be emptied between runs.
 */
export function describeStorageConformance(
  target: ConformanceTarget,
  options: ConformanceOptions = {},
): void {
  checkTarget(target);
  const resolved = resolveOptions(options);
  describe(`storage conformance: ${target.name}`, () => {
    for (const suite of SUITES) {
      describe(suite, () => {
        for (const check of Object.values(checks)) {
          if (check.suite === suite)
            it(check.title(resolved), () => check.run(target, resolved), resolved.timeoutMs);
        }
      });
    }
  });
}

function checkTarget(target: ConformanceTarget): void {
  const problems: string[] = [];
  if (typeof target?.name !== 'string' || target.name === '')
    problems.push('name must be a non-empty string');
  for (const method of ['createAdapter', 'readSpans', 'readMetricPoints'] as const) {
    if (typeof target?.[method] !== 'function') problems.push(`${method} must be a function`);
  }
  if (target?.countSpans !== undefined && typeof target.countSpans !== 'function') {
    problems.push('countSpans must be a function when given');
  }
  if (problems.length > 0)
    throw new TypeError(`storage conformance: the target is invalid: ${problems.join('; ')}`);
}
