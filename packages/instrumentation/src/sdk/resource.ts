import type { Attributes } from '@opentelemetry/api';
import { defaultResource, type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_INSTANCE_ID, ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import {
  ATTR_AWS_LOG_GROUP_NAMES,
  ATTR_AWS_LOG_STREAM_NAMES,
  ATTR_CLOUD_PLATFORM,
  ATTR_CLOUD_PROVIDER,
  ATTR_CLOUD_REGION,
  ATTR_FAAS_INSTANCE,
  ATTR_FAAS_MAX_MEMORY,
  ATTR_FAAS_NAME,
  ATTR_FAAS_VERSION,
  CLOUD_PLATFORM_VALUE_AWS_LAMBDA,
  CLOUD_PROVIDER_VALUE_AWS,
} from '@opentelemetry/semantic-conventions/incubating';
import type { ResolvedConfig } from '../config/config.js';

const MIB = 1024 * 1024;

/**
 * The execution environment as a resource, shared by spans and metrics. Later sources win:
 * SDK defaults → what Lambda says about the function → `OTEL_RESOURCE_ATTRIBUTES` /
 * `OTEL_SERVICE_NAME` → `resourceAttributes` → `serviceName`.
 */
export function lambdaResource(config: ResolvedConfig, extra: Attributes | undefined): Resource {
  const { lambda } = config;
  const fromLambda: Attributes = {
    [ATTR_CLOUD_PROVIDER]: CLOUD_PROVIDER_VALUE_AWS,
    [ATTR_CLOUD_PLATFORM]: CLOUD_PLATFORM_VALUE_AWS_LAMBDA,
    // One execution environment is one instance; cumulative metrics need it to tell them apart.
    [ATTR_SERVICE_INSTANCE_ID]: randomUuid(),
  };
  const set = (key: string, value: Attributes[string]) => {
    if (value !== undefined) fromLambda[key] = value;
  };
  set(ATTR_SERVICE_NAME, lambda.functionName);
  set(ATTR_CLOUD_REGION, lambda.region);
  set(ATTR_FAAS_NAME, lambda.functionName);
  set(ATTR_FAAS_VERSION, lambda.functionVersion);
  set(ATTR_FAAS_INSTANCE, lambda.logStream);
  set(ATTR_FAAS_MAX_MEMORY, lambda.memoryMb === undefined ? undefined : lambda.memoryMb * MIB);
  set(ATTR_AWS_LOG_GROUP_NAMES, lambda.logGroup === undefined ? undefined : [lambda.logGroup]);
  set(ATTR_AWS_LOG_STREAM_NAMES, lambda.logStream === undefined ? undefined : [lambda.logStream]);
  let resource = defaultResource()
    .merge(resourceFromAttributes(fromLambda))
    .merge(resourceFromAttributes(config.envResourceAttributes));
  if (extra) resource = resource.merge(resourceFromAttributes(extra));
  if (config.serviceName)
    resource = resource.merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName }));
  return resource;
}

/**
 * A random (version 4) UUID. Math.random is seeded per process from the OS; loading node:crypto
 * for this alone would add a millisecond and more to every cold start.
 */
function randomUuid(): string {
  const hex = (digits: number) =>
    Array.from({ length: digits }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  const variant = (8 + Math.floor(Math.random() * 4)).toString(16);
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
}
