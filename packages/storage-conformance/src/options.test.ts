import { describe, expect, it } from 'vitest';
import { describeStorageConformance } from './describe.js';
import { memoryTarget } from './memory/memory-target.js';
import { DEFAULT_OPTIONS, resolveOptions } from './options.js';
import type { ConformanceTarget } from './target.js';

describe('options', () => {
  it('default to 100,000 spans, 2 minutes per test and 4 writers, and keep what is given', () => {
    expect(resolveOptions()).toEqual({ largeBatchSpans: 100_000, timeoutMs: 120_000, concurrency: 4 });
    expect(resolveOptions({ concurrency: 8 })).toEqual({ ...DEFAULT_OPTIONS, concurrency: 8 });
  });

  it('refuse values that are not integers in range, naming the option', () => {
    expect(() => resolveOptions({ largeBatchSpans: 0 })).toThrow(
      'storage conformance: option largeBatchSpans must be an integer of at least 2, got 0',
    );
    expect(() => resolveOptions({ timeoutMs: 1.5 })).toThrow(
      'option timeoutMs must be an integer of at least 1, got 1.5',
    );
    expect(() => resolveOptions({ concurrency: 1 })).toThrow(
      'option concurrency must be an integer of at least 2, got 1',
    );
    expect(() => resolveOptions({ concurrency: '4' as unknown as number })).toThrow('got 4');
  });
});

describe('describeStorageConformance', () => {
  it('refuses an incomplete target before registering anything, listing what is missing', () => {
    const target = { name: '', readSpans: async () => [] } as unknown as ConformanceTarget;
    expect(() => describeStorageConformance(target)).toThrow(
      'storage conformance: the target is invalid: name must be a non-empty string; createAdapter must be a function; readMetricPoints must be a function',
    );
  });

  it('refuses bad options before registering anything', () => {
    expect(() => describeStorageConformance(memoryTarget(), { timeoutMs: -5 })).toThrow('option timeoutMs');
  });
});
