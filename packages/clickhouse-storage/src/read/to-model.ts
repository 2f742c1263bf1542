import type {
  Exemplar,
  InstrumentationScope,
  Metric,
  MetricPoint,
  MetricPointType,
  Resource,
  Span,
} from '@firefly/model';
import { fromColumns } from '../rows/attributes.js';
import { kindOf, statusOf } from '../rows/enums.js';
import { readFloat } from '../rows/scalars.js';
import type { PointRow, SharedRow, SpanRow } from './rows.js';

/**
 * Rows back to model objects. Resources, scopes and metrics with equal columns become one shared
 * object, as the codecs hand them out.
 */
export class ModelBuilder {
  private readonly resources = new Map<string, Resource>();
  private readonly scopes = new Map<string, InstrumentationScope>();
  private readonly metrics = new Map<string, Metric>();

  span(row: SpanRow): Span {
    const start = BigInt(row.StartNanos);
    return {
      resource: this.resource(row),
      scope: this.scope(row),
      traceId: row.TraceId,
      spanId: row.SpanId,
      parentSpanId: row.ParentSpanId,
      traceState: row.TraceState,
      flags: row.Flags,
      name: row.SpanName,
      kind: kindOf(row.SpanKind),
      startTimeUnixNano: start,
      endTimeUnixNano: start + BigInt(row.Duration),
      attributes: fromColumns(row.SpanAttributes, row.SpanAttributeTypes),
      droppedAttributesCount: row.DroppedAttributesCount,
      events: row.EventNanos.map((time, i) => ({
        timeUnixNano: BigInt(time),
        name: row['Events.Name'][i] as string,
        attributes: fromColumns(row['Events.Attributes'][i] ?? {}, row['Events.AttributeTypes'][i] ?? {}),
        droppedAttributesCount: row['Events.DroppedAttributesCount'][i] as number,
      })),
      droppedEventsCount: row.DroppedEventsCount,
      links: row['Links.TraceId'].map((traceId, i) => ({
        traceId,
        spanId: row['Links.SpanId'][i] as string,
        traceState: row['Links.TraceState'][i] as string,
        attributes: fromColumns(row['Links.Attributes'][i] ?? {}, row['Links.AttributeTypes'][i] ?? {}),
        droppedAttributesCount: row['Links.DroppedAttributesCount'][i] as number,
        flags: row['Links.Flags'][i] as number,
      })),
      droppedLinksCount: row.DroppedLinksCount,
      status: { code: statusOf(row.StatusCode), message: row.StatusMessage },
    };
  }

  point(type: MetricPointType, row: PointRow): MetricPoint {
    const base = {
      metric: this.metric(row),
      attributes: fromColumns(row.Attributes, row.AttributeTypes),
      startTimeUnixNano: BigInt(row.StartNanos),
      timeUnixNano: BigInt(row.TimeNanos),
      flags: row.Flags,
    };
    const temporality = row.AggregationTemporality as number;
    switch (type) {
      case 'gauge':
        return { ...base, type, value: numberValue(row), exemplars: exemplars(row) };
      case 'sum':
        return {
          ...base,
          type,
          value: numberValue(row),
          temporality,
          monotonic: row.IsMonotonic as boolean,
          exemplars: exemplars(row),
        };
      case 'histogram':
        return {
          ...base,
          type,
          temporality,
          count: BigInt(row.Count as string),
          sum: optionalFloat(row.Sum),
          min: optionalFloat(row.Min),
          max: optionalFloat(row.Max),
          explicitBounds: (row.ExplicitBounds ?? []).map(readFloat),
          bucketCounts: (row.BucketCounts ?? []).map(BigInt),
          exemplars: exemplars(row),
        };
      case 'exponential_histogram':
        return {
          ...base,
          type,
          temporality,
          count: BigInt(row.Count as string),
          sum: optionalFloat(row.Sum),
          min: optionalFloat(row.Min),
          max: optionalFloat(row.Max),
          scale: row.Scale as number,
          zeroCount: BigInt(row.ZeroCount as string),
          zeroThreshold: readFloat(row.ZeroThreshold as number),
          positive: {
            offset: row.PositiveOffset as number,
            bucketCounts: (row.PositiveBucketCounts ?? []).map(BigInt),
          },
          negative: {
            offset: row.NegativeOffset as number,
            bucketCounts: (row.NegativeBucketCounts ?? []).map(BigInt),
          },
          exemplars: exemplars(row),
        };
      case 'summary': {
        const values = row['ValueAtQuantiles.Value'] ?? [];
        // fromEntries defines own properties: assigning would turn a `__proto__` statistic into
        // a prototype change and lose it.
        const statistics: Record<string, number> = Object.fromEntries(
          Object.entries(row.Statistics ?? {}).map(([name, value]) => [name, readFloat(value)]),
        );
        return {
          ...base,
          type,
          count: BigInt(row.Count as string),
          sum: readFloat(row.Sum as number),
          quantiles: (row['ValueAtQuantiles.Quantile'] ?? []).map((q, i) => ({
            quantile: readFloat(q),
            value: readFloat(values[i] as number),
          })),
          statistics,
        };
      }
    }
  }

  private resource(row: SharedRow): Resource {
    const key = resourceKey(row);
    let resource = this.resources.get(key);
    if (resource === undefined) {
      resource = {
        attributes: fromColumns(row.ResourceAttributes, row.ResourceAttributeTypes),
        droppedAttributesCount: row.ResourceDroppedAttributesCount,
        schemaUrl: row.ResourceSchemaUrl,
        serviceName: row.ServiceName,
      };
      this.resources.set(key, resource);
    }
    return resource;
  }

  private scope(row: SharedRow): InstrumentationScope {
    const key = scopeKey(row);
    let scope = this.scopes.get(key);
    if (scope === undefined) {
      scope = {
        name: row.ScopeName,
        version: row.ScopeVersion,
        attributes: fromColumns(row.ScopeAttributes, row.ScopeAttributeTypes),
        droppedAttributesCount: row.ScopeDroppedAttributesCount,
        schemaUrl: row.ScopeSchemaUrl,
      };
      this.scopes.set(key, scope);
    }
    return scope;
  }

  private metric(row: PointRow): Metric {
    const key = JSON.stringify([
      resourceKey(row),
      scopeKey(row),
      row.MetricName,
      row.MetricDescription,
      row.MetricUnit,
      row.MetricMetadata,
      row.MetricMetadataTypes,
    ]);
    let metric = this.metrics.get(key);
    if (metric === undefined) {
      metric = {
        resource: this.resource(row),
        scope: this.scope(row),
        name: row.MetricName,
        description: row.MetricDescription,
        unit: row.MetricUnit,
        metadata: fromColumns(row.MetricMetadata, row.MetricMetadataTypes),
      };
      this.metrics.set(key, metric);
    }
    return metric;
  }
}

function resourceKey(row: SharedRow): string {
  return JSON.stringify([
    row.ServiceName,
    row.ResourceAttributes,
    row.ResourceAttributeTypes,
    row.ResourceDroppedAttributesCount,
    row.ResourceSchemaUrl,
  ]);
}

function scopeKey(row: SharedRow): string {
  return JSON.stringify([
    row.ScopeName,
    row.ScopeVersion,
    row.ScopeAttributes,
    row.ScopeAttributeTypes,
    row.ScopeDroppedAttributesCount,
    row.ScopeSchemaUrl,
  ]);
}

function numberValue(row: PointRow): number | bigint {
  return row.IntValue === null || row.IntValue === undefined
    ? readFloat(row.Value as number)
    : BigInt(row.IntValue);
}

function optionalFloat(value: number | string | null | undefined): number | undefined {
  return value === null || value === undefined ? undefined : readFloat(value);
}

function exemplars(row: PointRow): Exemplar[] {
  const times = row.ExemplarNanos ?? [];
  return times.map((time, i) => {
    const intValue = row['Exemplars.IntValue']?.[i];
    return {
      filteredAttributes: fromColumns(
        row['Exemplars.FilteredAttributes']?.[i] ?? {},
        row['Exemplars.FilteredAttributeTypes']?.[i] ?? {},
      ),
      timeUnixNano: BigInt(time),
      value:
        intValue === null || intValue === undefined
          ? readFloat(row['Exemplars.Value']?.[i] as number)
          : BigInt(intValue),
      spanId: row['Exemplars.SpanId']?.[i] as string,
      traceId: row['Exemplars.TraceId']?.[i] as string,
    };
  });
}
