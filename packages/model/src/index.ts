export type { Attributes, AttributeType, AttributeValue } from './attributes.js';
export { attributeType, createAttributes, setAttribute, stringAttribute } from './attributes.js';
export { modelJsonReplacer } from './json.js';
export type {
  Exemplar,
  ExponentialBuckets,
  ExponentialHistogramPoint,
  GaugePoint,
  HistogramPoint,
  Metric,
  MetricPoint,
  MetricPointType,
  QuantileValue,
  SummaryPoint,
  SumPoint,
} from './metrics.js';
export { AggregationTemporality } from './metrics.js';
export { Rejections } from './rejections.js';
export type { InstrumentationScope, Resource } from './resource.js';
export { serviceNameOf } from './resource.js';
export type { Span, SpanEvent, SpanLink, SpanStatus } from './trace.js';
export { SpanKind, StatusCode } from './trace.js';
