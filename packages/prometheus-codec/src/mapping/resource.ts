import { type Attributes, createAttributes, stringAttribute } from '@firefly/model';

/** The instrumentation scope of every point this codec produces. */
export const SCOPE_NAME = '@firefly/prometheus-codec';

/**
 * Resource attributes for a target, per OpenTelemetry's Prometheus compatibility rules: `job` is
 * `service.namespace/service.name` (or just `service.name`), `instance` is `service.instance.id`.
 */
export function resourceAttributesOf(job: string, instance: string): Attributes {
  const attributes = createAttributes();
  const slash = job.indexOf('/');
  if (slash >= 0) {
    attributes['service.namespace'] = job.slice(0, slash);
    attributes['service.name'] = job.slice(slash + 1);
  } else if (job !== '') {
    attributes['service.name'] = job;
  }
  if (instance !== '') attributes['service.instance.id'] = instance;
  return attributes;
}

/** The `job` and `instance` labels of a resource: the reverse of {@link resourceAttributesOf}. */
export function targetLabelsOf(resource: Attributes): { job: string; instance: string } {
  const name = stringAttribute(resource, 'service.name') ?? '';
  const namespace = stringAttribute(resource, 'service.namespace');
  return {
    job: namespace ? `${namespace}/${name}` : name,
    instance: stringAttribute(resource, 'service.instance.id') ?? '',
  };
}
