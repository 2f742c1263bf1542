import {
  type Attributes,
  createAttributes,
  type InstrumentationScope,
  type Metric,
  modelJsonReplacer,
  type Resource,
  serviceNameOf,
  setAttribute,
} from '@firefly/model';

/** The period a metric stream data point aggregates: CloudWatch streams one-minute statistics. */
export const METRIC_STREAM_PERIOD_NANOS = 60_000_000_000n;

/**
 * Shares one Resource, one InstrumentationScope and one Metric object among all the points that
 * belong to them within one decode call, as every Firefly decoder does, so storage can group by
 * identity and a record of 500 lines does not allocate 500 copies of the same metric.
 */
export class ModelCache {
  private readonly resources = new Map<string, ResourceEntry>();
  private readonly byObject = new Map<Resource, ResourceEntry>();
  private readonly scopes = new Map<string, InstrumentationScope>();
  private readonly scopesByObject = new Map<InstrumentationScope, InstrumentationScope>();
  // Points usually come grouped by metric: the last one found is checked first.
  private last: { entry: ResourceEntry; scope: InstrumentationScope; metric: Metric } | undefined;
  private lastJson:
    | { accountId: string; region: string; streamName: string; entry: ResourceEntry }
    | undefined;
  /** The scope AWS leaves empty in its OpenTelemetry formats; JSON points get the same. */
  readonly emptyScope: InstrumentationScope = this.scope('', '');

  /** The resource AWS's OpenTelemetry formats carry, built from a JSON line's fields. */
  jsonResource(accountId: string, region: string, streamName: string): ResourceEntry {
    const hit = this.lastJson;
    if (
      hit !== undefined &&
      hit.accountId === accountId &&
      hit.region === region &&
      hit.streamName === streamName
    )
      return hit.entry;
    const key = `${accountId}\u0000${region}\u0000${streamName}`;
    let entry = this.resources.get(key);
    if (entry === undefined) {
      const attributes = createAttributes();
      attributes['cloud.provider'] = 'aws';
      attributes['cloud.account.id'] = accountId;
      attributes['cloud.region'] = region;
      attributes['aws.exporter.arn'] = metricStreamArn(region, accountId, streamName);
      entry = { resource: newResource(attributes, 0, ''), metrics: new Map() };
      this.resources.set(key, entry);
    }
    this.lastJson = { accountId, region, streamName, entry };
    return entry;
  }

  /** One shared copy of a decoded resource, recognised by content across messages and records. */
  otelResource(decoded: Resource): ResourceEntry {
    const known = this.byObject.get(decoded);
    if (known !== undefined) return known;
    const content = JSON.stringify(
      [Object.entries(decoded.attributes), decoded.droppedAttributesCount, decoded.schemaUrl],
      modelJsonReplacer,
    );
    let entry = this.resources.get(content);
    if (entry === undefined) {
      entry = { resource: decoded, metrics: new Map() };
      this.resources.set(content, entry);
    }
    this.byObject.set(decoded, entry);
    return entry;
  }

  /** One shared copy of a decoded scope, recognised by name and version. */
  otelScope(decoded: InstrumentationScope): InstrumentationScope {
    let scope = this.scopesByObject.get(decoded);
    if (scope === undefined) {
      scope = this.scope(decoded.name, decoded.version, decoded);
      this.scopesByObject.set(decoded, scope);
    }
    return scope;
  }

  scope(name: string, version: string, decoded?: InstrumentationScope): InstrumentationScope {
    const key = `${name}\u0000${version}`;
    let scope = this.scopes.get(key);
    if (scope === undefined) {
      scope = decoded ?? {
        name,
        version,
        attributes: createAttributes(),
        droppedAttributesCount: 0,
        schemaUrl: '',
      };
      this.scopes.set(key, scope);
    }
    return scope;
  }

  /**
   * The metric AWS names `amazonaws.com/<namespace>/<metric name>` in its OpenTelemetry formats,
   * with the namespace and metric name kept apart in `metadata` (either may contain a slash).
   */
  metric(
    entry: ResourceEntry,
    scope: InstrumentationScope,
    namespace: string,
    metricName: string,
    unit: string,
  ): Metric {
    const last = this.last;
    if (
      last !== undefined &&
      last.entry === entry &&
      last.scope === scope &&
      last.metric.metadata.MetricName === metricName &&
      last.metric.metadata.Namespace === namespace &&
      last.metric.unit === unit
    )
      return last.metric;
    // Nested maps: no key string is built per point.
    const byNamespace = getOrSet(
      entry.metrics,
      scope,
      () => new Map<string, Map<string, Map<string, Metric>>>(),
    );
    const byName = getOrSet(byNamespace, namespace, () => new Map<string, Map<string, Metric>>());
    const byUnit = getOrSet(byName, metricName, () => new Map<string, Metric>());
    let metric = byUnit.get(unit);
    if (metric === undefined) {
      const metadata = createAttributes();
      metadata.Namespace = namespace;
      metadata.MetricName = metricName;
      metric = {
        resource: entry.resource,
        scope,
        name: `amazonaws.com/${namespace}/${metricName}`,
        description: '',
        unit,
        metadata,
      };
      byUnit.set(unit, metric);
    }
    this.last = { entry, scope, metric };
    return metric;
  }
}

/** A shared resource and the metrics that belong to it. */
interface ResourceEntry {
  readonly resource: Resource;
  /** By scope, namespace, metric name and unit. */
  readonly metrics: Map<InstrumentationScope, Map<string, Map<string, Map<string, Metric>>>>;
}

function getOrSet<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

function newResource(attributes: Attributes, droppedAttributesCount: number, schemaUrl: string): Resource {
  return { attributes, droppedAttributesCount, schemaUrl, serviceName: serviceNameOf(attributes) };
}

/**
 * The metric stream's ARN, as AWS puts it in `aws.exporter.arn`: the JSON format has only its
 * parts. The partition follows the region (China and GovCloud regions are not in `aws`).
 */
export function metricStreamArn(region: string, accountId: string, streamName: string): string {
  return `arn:${partitionOf(region)}:cloudwatch:${region}:${accountId}:metric-stream/${streamName}`;
}

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  return 'aws';
}

/** Copies attributes whose keys come from input, keeping `__proto__` an ordinary key. */
export function copyInto(target: Attributes, source: Attributes): void {
  for (const key in source) setAttribute(target, key, source[key] as Attributes[string]);
}
