import type { Attributes, InstrumentationScope, Metric, Resource } from '@firefly/model';
import { toColumns } from './attributes.js';

/**
 * The JSON of columns that many rows of a batch share. Codecs hand out one resource, scope and
 * metric object for all the spans or points that came with it, so each is serialized once per
 * batch and pasted into every row, instead of being serialized again for every row.
 */
export class Fragments {
  private readonly resources = new WeakMap<Resource, string>();
  private readonly scopes = new WeakMap<InstrumentationScope, string>();
  private readonly metrics = new WeakMap<Metric, string>();

  /** `"ServiceName":…,"ResourceAttributes":…,…` */
  resource(resource: Resource): string {
    let json = this.resources.get(resource);
    if (json === undefined) {
      json = [
        field('ServiceName', resource.serviceName),
        attributeFields('ResourceAttributes', 'ResourceAttributeTypes', resource.attributes),
        field('ResourceDroppedAttributesCount', resource.droppedAttributesCount),
        field('ResourceSchemaUrl', resource.schemaUrl),
      ].join(',');
      this.resources.set(resource, json);
    }
    return json;
  }

  /** `"ScopeName":…,"ScopeVersion":…,…` */
  scope(scope: InstrumentationScope): string {
    let json = this.scopes.get(scope);
    if (json === undefined) {
      json = [
        field('ScopeName', scope.name),
        field('ScopeVersion', scope.version),
        attributeFields('ScopeAttributes', 'ScopeAttributeTypes', scope.attributes),
        field('ScopeDroppedAttributesCount', scope.droppedAttributesCount),
        field('ScopeSchemaUrl', scope.schemaUrl),
      ].join(',');
      this.scopes.set(scope, json);
    }
    return json;
  }

  /** Resource, scope and `"MetricName":…,…` of a metric's points. */
  metric(metric: Metric): string {
    let json = this.metrics.get(metric);
    if (json === undefined) {
      json = [
        this.resource(metric.resource),
        this.scope(metric.scope),
        field('MetricName', metric.name),
        field('MetricDescription', metric.description),
        field('MetricUnit', metric.unit),
        attributeFields('MetricMetadata', 'MetricMetadataTypes', metric.metadata),
      ].join(',');
      this.metrics.set(metric, json);
    }
    return json;
  }
}

/** `"name":<value as JSON>` */
export function field(name: string, value: unknown): string {
  return `"${name}":${JSON.stringify(value)}`;
}

/**
 * `"name":[1764000000123456789,…]` for an Array(DateTime64(9)). Nanoseconds go unquoted: ClickHouse
 * reads a JSON integer as ticks, but guesses at a quoted one by its number of digits.
 */
export function timesField(name: string, nanos: readonly string[]): string {
  return `"${name}":[${nanos.join(',')}]`;
}

/** `"Values":{…},"Types":{…}` for an attribute map and its types map. */
export function attributeFields(valuesColumn: string, typesColumn: string, attributes: Attributes): string {
  const { values, types } = toColumns(attributes);
  return `"${valuesColumn}":${JSON.stringify(values)},"${typesColumn}":${JSON.stringify(types)}`;
}
