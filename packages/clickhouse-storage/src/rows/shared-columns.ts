import type { InstrumentationScope, Metric, Resource } from '@firefly/model';
import type { ColumnWriter } from '../encode/column-writer.js';
import { checkUint32, type Where } from './scalars.js';

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

// Shared columns are checked once, by the first row that refers to the object: `where` names it.

export function writeResource(w: ColumnWriter, resource: Resource, where: Where): void {
  w.shared(resource, (r) => {
    r.string(resource.serviceName);
    r.attributeMaps(resource.attributes);
    r.uint32(checkUint32(resource.droppedAttributesCount, where('resource dropped attributes count')));
    r.string(resource.schemaUrl);
  });
}

export function writeScope(w: ColumnWriter, scope: InstrumentationScope, where: Where): void {
  w.shared(scope, (s) => {
    s.string(scope.name);
    s.string(scope.version);
    s.attributeMaps(scope.attributes);
    s.uint32(checkUint32(scope.droppedAttributesCount, where('scope dropped attributes count')));
    s.string(scope.schemaUrl);
  });
}

export function writeMetric(w: ColumnWriter, metric: Metric, where: Where): void {
  w.shared(metric, (m) => {
    writeResource(m, metric.resource, where);
    writeScope(m, metric.scope, where);
    m.string(metric.name);
    m.string(metric.description);
    m.string(metric.unit);
    m.attributeMaps(metric.metadata);
  });
}
