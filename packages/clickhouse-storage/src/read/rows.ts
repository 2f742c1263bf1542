// The JSON shapes of the reader's queries (sql/queries), as ClickHouse prints them with 64-bit
// integers and non-finite floats quoted.

export type Float = number | string;
type Map = Record<string, string>;

export interface SharedRow {
  ServiceName: string;
  ResourceAttributes: Map;
  ResourceAttributeTypes: Map;
  ResourceDroppedAttributesCount: number;
  ResourceSchemaUrl: string;
  ScopeName: string;
  ScopeVersion: string;
  ScopeAttributes: Map;
  ScopeAttributeTypes: Map;
  ScopeDroppedAttributesCount: number;
  ScopeSchemaUrl: string;
}

export interface SpanRow extends SharedRow {
  StartNanos: string;
  TraceId: string;
  SpanId: string;
  ParentSpanId: string;
  TraceState: string;
  Flags: number;
  SpanName: string;
  SpanKind: string;
  SpanAttributes: Map;
  SpanAttributeTypes: Map;
  DroppedAttributesCount: number;
  Duration: string;
  StatusCode: string;
  StatusMessage: string;
  EventNanos: string[];
  'Events.Name': string[];
  'Events.Attributes': Map[];
  'Events.AttributeTypes': Map[];
  'Events.DroppedAttributesCount': number[];
  DroppedEventsCount: number;
  'Links.TraceId': string[];
  'Links.SpanId': string[];
  'Links.TraceState': string[];
  'Links.Attributes': Map[];
  'Links.AttributeTypes': Map[];
  'Links.DroppedAttributesCount': number[];
  'Links.Flags': number[];
  DroppedLinksCount: number;
}

export interface PointRow extends SharedRow {
  MetricName: string;
  MetricDescription: string;
  MetricUnit: string;
  MetricMetadata: Map;
  MetricMetadataTypes: Map;
  Attributes: Map;
  AttributeTypes: Map;
  StartNanos: string;
  TimeNanos: string;
  Flags: number;
  // Per type; absent in the tables that do not have them.
  Value?: Float;
  IntValue?: string | null;
  AggregationTemporality?: number;
  IsMonotonic?: boolean;
  Count?: string;
  Sum?: Float | null;
  BucketCounts?: string[];
  ExplicitBounds?: Float[];
  Min?: Float | null;
  Max?: Float | null;
  Scale?: number;
  ZeroCount?: string;
  ZeroThreshold?: Float;
  PositiveOffset?: number;
  PositiveBucketCounts?: string[];
  NegativeOffset?: number;
  NegativeBucketCounts?: string[];
  'ValueAtQuantiles.Quantile'?: Float[];
  'ValueAtQuantiles.Value'?: Float[];
  Statistics?: Record<string, Float>;
  'Exemplars.FilteredAttributes'?: Map[];
  'Exemplars.FilteredAttributeTypes'?: Map[];
  ExemplarNanos?: string[];
  'Exemplars.Value'?: Float[];
  'Exemplars.IntValue'?: (string | null)[];
  'Exemplars.SpanId'?: string[];
  'Exemplars.TraceId'?: string[];
}
