import { concurrentWriters } from './concurrency.js';
import {
  closeTwice,
  emptyBatches,
  healthy,
  invalidBatchIds,
  longestBatchIds,
  writesAfterClose,
} from './contract.js';
import { emptyMaps, exoticMetricValues, exoticSpanValues, zeroIds } from './exotic.js';
import {
  exponentialHistogramFidelity,
  gaugeFidelity,
  histogramFidelity,
  mixedMetricBatch,
  spanFidelity,
  sumFidelity,
  summaryFidelity,
} from './fidelity.js';
import {
  distinctBatches,
  lateRetry,
  retryConcurrent,
  retryNewAdapter,
  retrySameAdapter,
} from './idempotency.js';
import { largeBatch } from './large-batch.js';
import { migrateConcurrently, migrateTwice } from './migration.js';

/**
 * Every check `describeStorageConformance` registers, by name, each runnable on its own:
 * `await checks.spanFidelity.run(target)`. Listed in the order the suite runs them.
 */
export const checks = {
  spanFidelity,
  gaugeFidelity,
  sumFidelity,
  histogramFidelity,
  exponentialHistogramFidelity,
  summaryFidelity,
  mixedMetricBatch,
  exoticSpanValues,
  zeroIds,
  emptyMaps,
  exoticMetricValues,
  retrySameAdapter,
  retryNewAdapter,
  retryConcurrent,
  lateRetry,
  distinctBatches,
  concurrentWriters,
  largeBatch,
  migrateTwice,
  migrateConcurrently,
  emptyBatches,
  invalidBatchIds,
  longestBatchIds,
  writesAfterClose,
  closeTwice,
  healthy,
} as const;

export type CheckName = keyof typeof checks;
