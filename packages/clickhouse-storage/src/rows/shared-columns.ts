import type { InstrumentationScope, Metric, Resource } from '@firefly/model';
import type { ColumnWriter } from '../encode/column-writer.js';

// Columns that many rows share, in the order the INSERT lists them. Written once per object and
// batch (the codecs hand out one resource, scope and metric object for all that came together).

export const RESOURCE_COLUMNS = [
  'ServiceName',
  'ResourceAttributes',
  'ResourceAttributeTypes',
  'ResourceDroppedAttributesCount',
  'ResourceSchemaUrl',
] as const;

export const SCOPE_COLUMNS = [
  'ScopeName',
  'ScopeVersion',
  'ScopeAttributes',
  'ScopeAttributeTypes',
  'ScopeDroppedAttributesCount',
  'ScopeSchemaUrl',
] as const;

export const METRIC_COLUMNS = [
  ...RESOURCE_COLUMNS,
  ...SCOPE_COLUMNS,
  'MetricName',
  'MetricDescription',
  'MetricUnit',
  'MetricMetadata',
  'MetricMetadataTypes',
] as const;

export function writeResource(w: ColumnWriter, resource: Resource): void {
  w.shared(resource, (r) => {
    r.string(resource.serviceName);
    r.attributeMaps(resource.attributes);
    r.uint32(resource.droppedAttributesCount);
    r.string(resource.schemaUrl);
  });
}

export function writeScope(w: ColumnWriter, scope: InstrumentationScope): void {
  w.shared(scope, (s) => {
    s.string(scope.name);
    s.string(scope.version);
    s.attributeMaps(scope.attributes);
    s.uint32(scope.droppedAttributesCount);
    s.string(scope.schemaUrl);
  });
}

export function writeMetric(w: ColumnWriter, metric: Metric): void {
  w.shared(metric, (m) => {
    writeResource(m, metric.resource);
    writeScope(m, metric.scope);
    m.string(metric.name);
    m.string(metric.description);
    m.string(metric.unit);
    m.attributeMaps(metric.metadata);
  });
}
