import { type Attributes, stringAttribute } from './attributes.js';

/** The entity that produced telemetry, shared by every span or point that came with it. */
export interface Resource {
  readonly attributes: Attributes;
  readonly droppedAttributesCount: number;
  /** The schema URL of the ResourceSpans / ResourceMetrics it came in. */
  readonly schemaUrl: string;
  /** `service.name`, or the OpenTelemetry fallback (see {@link serviceNameOf}). */
  readonly serviceName: string;
}

/** The instrumentation library that produced telemetry. */
export interface InstrumentationScope {
  readonly name: string;
  readonly version: string;
  readonly attributes: Attributes;
  readonly droppedAttributesCount: number;
  /** The schema URL of the ScopeSpans / ScopeMetrics it came in. */
  readonly schemaUrl: string;
}

/**
 * The service name per the OpenTelemetry resource semantic conventions: a non-empty string
 * `service.name`; else `unknown_service:<process.executable.name>`; else `unknown_service`.
 */
export function serviceNameOf(attributes: Attributes): string {
  const name = stringAttribute(attributes, 'service.name');
  if (name) return name;
  const executable = stringAttribute(attributes, 'process.executable.name');
  return executable ? `unknown_service:${executable}` : 'unknown_service';
}
