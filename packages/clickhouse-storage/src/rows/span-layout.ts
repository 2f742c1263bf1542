import type { Span } from '@firefly/model';
import { type ColumnSpec, type ColumnWriter, column } from '../encode/column-writer.js';
import { toColumns } from './attributes.js';
import { kindName, statusName } from './enums.js';
import { checkInt64, checkNanos, checkUint32, type Where } from './scalars.js';
import { RESOURCE_COLUMNS, SCOPE_COLUMNS, STRING_MAP, writeResource, writeScope } from './shared-columns.js';

/** The table spans are stored in. */
export const SPAN_TABLE = 'otel_traces';

/** The columns of an `otel_traces` insert, in the order {@link writeSpan} writes them. */
export const SPAN_COLUMNS: readonly ColumnSpec[] = [
  ...RESOURCE_COLUMNS,
  ...SCOPE_COLUMNS,
  column('Timestamp', 'DateTime64(9)'),
  column('TraceId', 'String'),
  column('SpanId', 'String'),
  column('ParentSpanId', 'String'),
  column('TraceState', 'String'),
  column('Flags', 'UInt32'),
  column('SpanName', 'String'),
  column('SpanKind', 'String'),
  column('SpanAttributes', STRING_MAP),
  column('SpanAttributeTypes', STRING_MAP),
  column('DroppedAttributesCount', 'UInt32'),
  column('Duration', 'Int64'),
  column('StatusCode', 'String'),
  column('StatusMessage', 'String'),
  column('Events.Timestamp', 'Array(DateTime64(9))'),
  column('Events.Name', 'Array(String)'),
  column('Events.Attributes', `Array(${STRING_MAP})`),
  column('Events.AttributeTypes', `Array(${STRING_MAP})`),
  column('Events.DroppedAttributesCount', 'Array(UInt32)'),
  column('DroppedEventsCount', 'UInt32'),
  column('Links.TraceId', 'Array(String)'),
  column('Links.SpanId', 'Array(String)'),
  column('Links.TraceState', 'Array(String)'),
  column('Links.Attributes', `Array(${STRING_MAP})`),
  column('Links.AttributeTypes', `Array(${STRING_MAP})`),
  column('Links.DroppedAttributesCount', 'Array(UInt32)'),
  column('Links.Flags', 'Array(UInt32)'),
  column('DroppedLinksCount', 'UInt32'),
];

/** One span as one row; `index` names it in errors about values the schema cannot hold. */
export function writeSpan(w: ColumnWriter, span: Span, index: number): void {
  const where: Where = (what) => `span ${index} (${span.spanId}) ${what}`;
  writeResource(w, span.resource, where);
  writeScope(w, span.scope, where);
  w.dateTime64(checkNanos(span.startTimeUnixNano, where, 'start time'));
  w.string(span.traceId);
  w.string(span.spanId);
  w.string(span.parentSpanId);
  w.string(span.traceState);
  w.uint32(checkUint32(span.flags, where, 'flags'));
  w.string(span.name);
  w.string(kindName(span.kind));
  w.attributeMaps(span.attributes);
  w.uint32(checkUint32(span.droppedAttributesCount, where, 'dropped attributes count'));
  w.int64(checkInt64(span.endTimeUnixNano - span.startTimeUnixNano, where, 'duration'));
  w.string(statusName(span.status.code));
  w.string(span.status.message);
  writeEvents(w, span.events, where);
  w.uint32(checkUint32(span.droppedEventsCount, where, 'dropped events count'));
  writeLinks(w, span.links, where);
  w.uint32(checkUint32(span.droppedLinksCount, where, 'dropped links count'));
  w.endRow();
}

// Nested columns are parallel arrays: each attribute map and its types map in arrays of their own.
// Most spans have no events or links: their empty arrays are written without a closure per column.
const EVENT_COLUMNS = SPAN_COLUMNS.filter((c) => c.name.startsWith('Events.')).length;
const LINK_COLUMNS = SPAN_COLUMNS.filter((c) => c.name.startsWith('Links.')).length;

function writeEvents(w: ColumnWriter, events: Span['events'], where: Where): void {
  if (events.length === 0) {
    w.emptyArrays(EVENT_COLUMNS);
    return;
  }
  const attributes = events.map((e) => toColumns(e.attributes));
  w.array(events, (e, i) => w.dateTime64(checkNanos(e.timeUnixNano, where, `event ${i} time`)));
  w.array(events, (e) => w.string(e.name));
  w.array(attributes, (c) => w.stringMap(c.values));
  w.array(attributes, (c) => w.stringMap(c.types));
  w.array(events, (e, i) =>
    w.uint32(checkUint32(e.droppedAttributesCount, where, `event ${i} dropped attributes count`)),
  );
}

function writeLinks(w: ColumnWriter, links: Span['links'], where: Where): void {
  if (links.length === 0) {
    w.emptyArrays(LINK_COLUMNS);
    return;
  }
  const attributes = links.map((l) => toColumns(l.attributes));
  w.array(links, (l) => w.string(l.traceId));
  w.array(links, (l) => w.string(l.spanId));
  w.array(links, (l) => w.string(l.traceState));
  w.array(attributes, (c) => w.stringMap(c.values));
  w.array(attributes, (c) => w.stringMap(c.types));
  w.array(links, (l, i) =>
    w.uint32(checkUint32(l.droppedAttributesCount, where, `link ${i} dropped attributes count`)),
  );
  w.array(links, (l, i) => w.uint32(checkUint32(l.flags, where, `link ${i} flags`)));
}
