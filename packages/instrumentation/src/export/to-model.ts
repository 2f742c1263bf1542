import type {
  Attributes as ModelAttributes,
  Resource as ModelResource,
  InstrumentationScope as ModelScope,
  Span as ModelSpan,
  AttributeValue as ModelValue,
} from '@firefly/model';
import type { Attributes, AttributeValue, HrTime, Link, SpanContext } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

// OTLP span flags: bit 8 says whether bit 9 (the parent or linked context is remote) is known.
const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;
const MAX_INT64 = 2 ** 63;

/**
 * Converts SDK spans into the Firefly model the OTLP encoder takes. The model resource and scope
 * are built once per SDK object and shared, which is how the encoder groups spans.
 */
export class SpanConverter {
  private readonly resources = new WeakMap<Resource, ModelResource>();
  private readonly scopes = new WeakMap<InstrumentationScope, ModelScope>();

  convert(span: ReadableSpan): ModelSpan {
    const context = span.spanContext();
    const parent = span.parentSpanContext;
    return {
      resource: this.resource(span.resource),
      scope: this.scope(span.instrumentationScope),
      traceId: context.traceId,
      spanId: context.spanId,
      parentSpanId: parent?.spanId ?? '',
      traceState: context.traceState?.serialize() ?? '',
      flags: contextFlags(context.traceFlags, parent?.isRemote),
      name: span.name,
      // The API's kinds start at INTERNAL = 0; OTLP reserves 0 for UNSPECIFIED.
      kind: span.kind + 1,
      startTimeUnixNano: nanos(span.startTime),
      endTimeUnixNano: nanos(span.endTime),
      attributes: toModelAttributes(span.attributes),
      droppedAttributesCount: span.droppedAttributesCount,
      events: span.events.map((event) => ({
        timeUnixNano: nanos(event.time),
        name: event.name,
        attributes: toModelAttributes(event.attributes ?? {}),
        droppedAttributesCount: event.droppedAttributesCount ?? 0,
      })),
      droppedEventsCount: span.droppedEventsCount,
      links: span.links.map(toModelLink),
      droppedLinksCount: span.droppedLinksCount,
      status: { code: span.status.code, message: span.status.message ?? '' },
    };
  }

  resource(resource: Resource): ModelResource {
    let model = this.resources.get(resource);
    if (model === undefined) {
      const attributes = toModelAttributes(resource.attributes);
      const name = attributes['service.name'];
      model = {
        attributes,
        droppedAttributesCount: 0,
        schemaUrl: resource.schemaUrl ?? '',
        serviceName: typeof name === 'string' && name !== '' ? name : 'unknown_service',
      };
      this.resources.set(resource, model);
    }
    return model;
  }

  /**
   * Adds attributes learnt after setup to the model of `resource`, which spans and metrics share
   * (Lambda tells the account only with the first invocation). Attributes already set win.
   */
  completeResource(resource: Resource, attributes: Attributes): void {
    const model = this.resource(resource);
    for (const [key, value] of Object.entries(toModelAttributes(attributes)))
      if (model.attributes[key] === undefined) model.attributes[key] = value;
  }

  scope(scope: InstrumentationScope): ModelScope {
    let model = this.scopes.get(scope);
    if (model === undefined) {
      model = {
        name: scope.name,
        version: scope.version ?? '',
        attributes: {},
        droppedAttributesCount: 0,
        schemaUrl: scope.schemaUrl ?? '',
      };
      this.scopes.set(scope, model);
    }
    return model;
  }
}

function toModelLink(link: Link): ModelSpan['links'][number] {
  return {
    traceId: link.context.traceId,
    spanId: link.context.spanId,
    traceState: link.context.traceState?.serialize() ?? '',
    attributes: toModelAttributes(link.attributes ?? {}),
    droppedAttributesCount: link.droppedAttributesCount ?? 0,
    flags: contextFlags(link.context.traceFlags, link.context.isRemote),
  };
}

function contextFlags(traceFlags: SpanContext['traceFlags'], isRemote: boolean | undefined): number {
  return (traceFlags & 0xff) | HAS_IS_REMOTE | (isRemote ? IS_REMOTE : 0);
}

export function nanos([seconds, nanoseconds]: HrTime): bigint {
  return BigInt(seconds) * 1_000_000_000n + BigInt(nanoseconds);
}

export function toModelAttributes(attributes: Attributes): ModelAttributes {
  const model: ModelAttributes = {};
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined) model[key] = toModelValue(value);
  }
  return model;
}

/** Whole numbers go out as OTLP ints, others as doubles, as the OpenTelemetry exporters do. */
function toModelValue(value: AttributeValue | null | undefined): ModelValue {
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) && Math.abs(value) < MAX_INT64 ? BigInt(value) : value;
    case 'string':
    case 'boolean':
      return value;
    default:
      return Array.isArray(value) ? value.map(toModelValue) : null;
  }
}
