import type { Span } from '@firefly/model';
import { toColumns } from './attributes.js';
import { kindName, statusName } from './enums.js';
import { attributeFields, type Fragments, field, timesField } from './fragments.js';
import { int64, nanos } from './scalars.js';

/** One `otel_traces` row as a JSONEachRow line. `index` names the span in errors. */
export function spanLine(span: Span, index: number, fragments: Fragments): string {
  const where = (what: string) => () => `span ${index} (${span.spanId}) ${what}`;
  const duration = int64(span.endTimeUnixNano - span.startTimeUnixNano, where('duration'));
  return `{${fragments.resource(span.resource)},${fragments.scope(span.scope)},${[
    `"Timestamp":${nanos(span.startTimeUnixNano, where('start time'))}`,
    field('TraceId', span.traceId),
    field('SpanId', span.spanId),
    field('ParentSpanId', span.parentSpanId),
    field('TraceState', span.traceState),
    field('Flags', span.flags),
    field('SpanName', span.name),
    field('SpanKind', kindName(span.kind)),
    attributeFields('SpanAttributes', 'SpanAttributeTypes', span.attributes),
    field('DroppedAttributesCount', span.droppedAttributesCount),
    `"Duration":"${duration}"`,
    field('StatusCode', statusName(span.status.code)),
    field('StatusMessage', span.status.message),
    eventFields(span, where),
    field('DroppedEventsCount', span.droppedEventsCount),
    linkFields(span),
    field('DroppedLinksCount', span.droppedLinksCount),
  ].join(',')}}\n`;
}

function eventFields(span: Span, where: (what: string) => () => string): string {
  const events = span.events;
  const columns = events.map((e) => toColumns(e.attributes));
  return [
    timesField(
      'Events.Timestamp',
      events.map((e, i) => nanos(e.timeUnixNano, where(`event ${i} time`))),
    ),
    field(
      'Events.Name',
      events.map((e) => e.name),
    ),
    field(
      'Events.Attributes',
      columns.map((c) => c.values),
    ),
    field(
      'Events.AttributeTypes',
      columns.map((c) => c.types),
    ),
    field(
      'Events.DroppedAttributesCount',
      events.map((e) => e.droppedAttributesCount),
    ),
  ].join(',');
}

function linkFields(span: Span): string {
  const links = span.links;
  const columns = links.map((l) => toColumns(l.attributes));
  return [
    field(
      'Links.TraceId',
      links.map((l) => l.traceId),
    ),
    field(
      'Links.SpanId',
      links.map((l) => l.spanId),
    ),
    field(
      'Links.TraceState',
      links.map((l) => l.traceState),
    ),
    field(
      'Links.Attributes',
      columns.map((c) => c.values),
    ),
    field(
      'Links.AttributeTypes',
      columns.map((c) => c.types),
    ),
    field(
      'Links.DroppedAttributesCount',
      links.map((l) => l.droppedAttributesCount),
    ),
    field(
      'Links.Flags',
      links.map((l) => l.flags),
    ),
  ].join(',');
}
