import type { InstrumentationScope, Metric, Resource } from '@firefly/model';
import { type ColumnSpec, type ColumnWriter, column } from '../encode/column-writer.js';
import { checkUint32, type Where } from './scalars.js';

// Columns that many rows share, in the order the INSERT lists them. Written once per object and
// batch (the codecs hand out one resource, scope and metric object for all that came together).

/** The two columns ColumnWriter.attributeMaps writes: text of every value, types of non-strings. */
export const STRING_MAP = 'Map(String, String)';

export const RESOURCE_COLUMNS: readonly ColumnSpec[] = [
  column('ServiceName', 'String'),
  column('ResourceAttributes', STRING_MAP),
  column('ResourceAttributeTypes', STRING_MAP),
  column('ResourceDroppedAttributesCount', 'UInt32'),
  column('ResourceSchemaUrl', 'String'),
];

export const SCOPE_COLUMNS: readonly ColumnSpec[] = [
  column('ScopeName', 'String'),
  column('ScopeVersion', 'String'),
  column('ScopeAttributes', STRING_MAP),
  column('ScopeAttributeTypes', STRING_MAP),
  column('ScopeDroppedAttributesCount', 'UInt32'),
  column('ScopeSchemaUrl', 'String'),
];

export const METRIC_COLUMNS: readonly ColumnSpec[] = [
  ...RESOURCE_COLUMNS,
  ...SCOPE_COLUMNS,
  column('MetricName', 'String'),
  column('MetricDescription', 'String'),
  column('MetricUnit', 'String'),
  column('MetricMetadata', STRING_MAP),
  column('MetricMetadataTypes', STRING_MAP),
];

// Shared columns are checked once, by the first row that refers to the object: `where` names it.

export function writeResource(w: ColumnWriter, resource: Resource, where: Where): void {
  w.shared(resource, (r) => {
    r.string(resource.serviceName);
    r.attributeMaps(resource.attributes);
    r.uint32(checkUint32(resource.droppedAttributesCount, where, 'resource dropped attributes count'));
    r.string(resource.schemaUrl);
  });
}

export function writeScope(w: ColumnWriter, scope: InstrumentationScope, where: Where): void {
  w.shared(scope, (s) => {
    s.string(scope.name);
    s.string(scope.version);
    s.attributeMaps(scope.attributes);
    s.uint32(checkUint32(scope.droppedAttributesCount, where, 'scope dropped attributes count'));
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
