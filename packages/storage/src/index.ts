export type {
  HealthReport,
  MetricBatch,
  MigrationReport,
  SpanBatch,
  StorageAdapter,
  WriteResult,
} from './adapter.js';
export { checkBatchId, kafkaBatchId, MAX_BATCH_ID_LENGTH } from './batch-id.js';
export type { StorageErrorCode } from './errors.js';
export {
  awaitsConfiguration,
  isRetryable,
  refusesData,
  StorageError,
  storageErrorCode,
} from './errors.js';
