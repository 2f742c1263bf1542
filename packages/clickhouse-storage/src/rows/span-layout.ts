import type { Span } from '@firefly/model';
import type { ColumnWriter } from '../encode/column-writer.js';
import { toColumns } from './attributes.js';
import { kindName, statusName } from './enums.js';
import { checkInt64, checkNanos, checkUint32, type Where } from './scalars.js';
import { RESOURCE_COLUMNS, SCOPE_COLUMNS, writeResource, writeScope } from './shared-columns.js';

/** The table spans are stored in. */
export const SPAN_TABLE = 'otel_traces';

/** The columns of an `otel_traces` insert, in the order {@link writeSpan} writes them. */
export const SPAN_COLUMNS = [
  ...RESOURCE_COLUMNS,
  ...SCOPE_COLUMNS,
  'Timestamp',
  'TraceId',
  'SpanId',
  'ParentSpanId',
  'TraceState',
  'Flags',
  'SpanName',
  'SpanKind',
  'SpanAttributes',
  'SpanAttributeTypes',
  'DroppedAttributesCount',
  'Duration',
  'StatusCode',
  'StatusMessage',
  'Events.Timestamp',
  'Events.Name',
  'Events.Attributes',
  'Events.AttributeTypes',
  'Events.DroppedAttributesCount',
  'DroppedEventsCount',
  'Links.TraceId',
  'Links.SpanId',
  'Links.TraceState',
  'Links.Attributes',
  'Links.AttributeTypes',
  'Links.DroppedAttributesCount',
  'Links.Flags',
  'DroppedLinksCount',
] as const;

/** One span as one row; `index` names it in errors about values the schema cannot hold. */
export function writeSpan(w: ColumnWriter, span: Span, index: number): void {
  const where: Where = (what) => () => `span ${index} (${span.spanId}) ${what}`;
  writeResource(w, span.resource, where);
  writeScope(w, span.scope, where);
  w.dateTime64(checkNanos(span.startTimeUnixNano, where('start time')));
  w.string(span.traceId);
  w.string(span.spanId);
  w.string(span.parentSpanId);
  w.string(span.traceState);
  w.uint32(checkUint32(span.flags, where('flags')));
  w.string(span.name);
  w.string(kindName(span.kind));
  w.attributeMaps(span.attributes);
  w.uint32(checkUint32(span.droppedAttributesCount, where('dropped attributes count')));
  w.int64(checkInt64(span.endTimeUnixNano - span.startTimeUnixNano, where('duration')));
  w.string(statusName(span.status.code));
  w.string(span.status.message);
  // Nested columns are parallel arrays: each attribute map and its types map in arrays of their own.
  const { events, links } = span;
  const eventAttributes = events.map((e) => toColumns(e.attributes));
  w.array(events, (e, i) => w.dateTime64(checkNanos(e.timeUnixNano, where(`event ${i} time`))));
  w.array(events, (e) => w.string(e.name));
  w.array(eventAttributes, (c) => w.stringMap(c.values));
  w.array(eventAttributes, (c) => w.stringMap(c.types));
  w.array(events, (e, i) =>
    w.uint32(checkUint32(e.droppedAttributesCount, where(`event ${i} dropped attributes count`))),
  );
  w.uint32(checkUint32(span.droppedEventsCount, where('dropped events count')));
  const linkAttributes = links.map((l) => toColumns(l.attributes));
  w.array(links, (l) => w.string(l.traceId));
  w.array(links, (l) => w.string(l.spanId));
  w.array(links, (l) => w.string(l.traceState));
  w.array(linkAttributes, (c) => w.stringMap(c.values));
  w.array(linkAttributes, (c) => w.stringMap(c.types));
  w.array(links, (l, i) =>
    w.uint32(checkUint32(l.droppedAttributesCount, where(`link ${i} dropped attributes count`))),
  );
  w.array(links, (l, i) => w.uint32(checkUint32(l.flags, where(`link ${i} flags`))));
  w.uint32(checkUint32(span.droppedLinksCount, where('dropped links count')));
  w.endRow();
}
