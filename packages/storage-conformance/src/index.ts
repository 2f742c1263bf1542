export type { ConformanceCheck, SuiteName } from './checks/check.js';
export { SUITES } from './checks/check.js';
export { LATE_RETRY_GAP } from './checks/idempotency.js';
export type { CheckName } from './checks/index.js';
export { checks } from './checks/index.js';
export { diffValues } from './compare/diff.js';
export { diffMetricPoints, diffSpans } from './compare/match.js';
export { describeStorageConformance } from './describe.js';
export { ConformanceError } from './errors.js';
export { exoticAttributes, exoticStrings } from './fixtures/attributes.js';
export {
  randomBatchId,
  randomHex,
  randomMetricPrefix,
  randomSpanId,
  randomTraceId,
  ZERO_SPAN_ID,
  ZERO_TRACE_ID,
} from './fixtures/ids.js';
export { exampleMetricPoints, exoticMetricPoints } from './fixtures/metrics.js';
export {
  bareScope,
  fallbackResource,
  instrumentationScope,
  lambdaResource,
  resourceOf,
} from './fixtures/resources.js';
export type { GeneratedSpansOptions } from './fixtures/spans.js';
export {
  emptySpans,
  exampleSpans,
  exoticAttributeSpans,
  generateSpans,
  zeroIdSpans,
} from './fixtures/spans.js';
export { MemoryBackend } from './memory/memory-backend.js';
export { MemoryStorage } from './memory/memory-storage.js';
export { memoryTarget } from './memory/memory-target.js';
export type { ConformanceOptions } from './options.js';
export { DEFAULT_OPTIONS } from './options.js';
export type { ConformanceTarget } from './target.js';
