import { type Attributes, type AttributeValue, createAttributes, type Span } from '@firefly/model';
import type { HrTime, Attributes as OtelAttributes, AttributeValue as OtelValue } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** Nanoseconds of an SDK HrTime, exactly. */
export function nanos([seconds, nanoseconds]: HrTime): bigint {
  return BigInt(seconds) * 1_000_000_000n + BigInt(nanoseconds);
}

/** The model value the OTLP transformer's typing rules give an SDK attribute value. */
export function expectedValue(value: OtelValue | null | undefined): AttributeValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map((v) => expectedValue(v as OtelValue));
  return value as AttributeValue;
}

export function expectedAttributes(attributes: OtelAttributes | undefined): Attributes {
  const out = createAttributes();
  for (const [key, value] of Object.entries(attributes ?? {})) out[key] = expectedValue(value);
  return out;
}

/** OTLP span flags per the spec: W3C flags, plus bit 8 "has is_remote" and bit 9 "is_remote". */
export function expectedFlags(traceFlags: number, isRemote: boolean | undefined): number {
  return (traceFlags & 0xff) | 0x100 | (isRemote ? 0x200 : 0);
}

/** Every field of a decoded span, computed from the SDK's own record of it. */
export function expectedSpan(s: ReadableSpan): Omit<Span, 'resource' | 'scope'> {
  const ctx = s.spanContext();
  return {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    parentSpanId: s.parentSpanContext?.spanId ?? '',
    traceState: ctx.traceState?.serialize() ?? '',
    flags: expectedFlags(ctx.traceFlags, s.parentSpanContext?.isRemote),
    name: s.name,
    kind: s.kind + 1,
    startTimeUnixNano: nanos(s.startTime),
    endTimeUnixNano: nanos(s.endTime),
    attributes: expectedAttributes(s.attributes),
    droppedAttributesCount: s.droppedAttributesCount,
    events: s.events.map((e) => ({
      timeUnixNano: nanos(e.time),
      name: e.name,
      attributes: expectedAttributes(e.attributes),
      droppedAttributesCount: e.droppedAttributesCount ?? 0,
    })),
    droppedEventsCount: s.droppedEventsCount,
    links: s.links.map((l) => ({
      traceId: l.context.traceId,
      spanId: l.context.spanId,
      traceState: l.context.traceState?.serialize() ?? '',
      attributes: expectedAttributes(l.attributes),
      droppedAttributesCount: l.droppedAttributesCount ?? 0,
      flags: expectedFlags(l.context.traceFlags, l.context.isRemote),
    })),
    droppedLinksCount: s.droppedLinksCount,
    status: { code: s.status.code, message: s.status.message ?? '' },
  };
}

export function withoutContext(span: Span): Omit<Span, 'resource' | 'scope'> {
  const { resource: _r, scope: _s, ...rest } = span;
  return rest;
}
