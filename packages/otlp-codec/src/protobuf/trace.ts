import {
  createAttributes,
  type InstrumentationScope,
  Rejections,
  type Resource,
  type Span,
  type SpanEvent,
  type SpanLink,
} from '@firefly/model';
import { idProblem } from '../ids.js';
import type { DecodedTraces } from '../types.js';
import { ProtoReader } from '../wire/reader.js';
import { newResource, newScope, readKeyValue, readResource, readScope } from './common.js';
import { fieldMask, otherField } from './fields.js';

const REQUEST = fieldMask(1);
const RESOURCE_SPANS = fieldMask(1, 2, 3);
const SCOPE_SPANS = fieldMask(1, 2, 3);
const SPAN = fieldMask(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
const EVENT = fieldMask(1, 2, 3, 4);
const LINK = fieldMask(1, 2, 3, 4, 5, 6);
const STATUS = fieldMask(2, 3);

/** Decodes an OTLP `ExportTraceServiceRequest` in protobuf encoding into flat spans. */
export function decodeTracesProtobuf(bytes: Uint8Array): DecodedTraces {
  const r = new ProtoReader(bytes);
  const spans: Span[] = [];
  const rejections = new Rejections();
  while (r.pos < r.limit) {
    const tag = r.tag();
    if (tag === 10) readResourceSpans(r, spans, rejections);
    else otherField(r, tag, REQUEST, 'ExportTraceServiceRequest');
  }
  return { spans, rejectedSpans: rejections.count, errorMessage: rejections.message };
}

function readResourceSpans(r: ProtoReader, spans: Span[], rejections: Rejections): void {
  const saved = r.enter();
  const resource = newResource();
  while (r.pos < r.limit) {
    const tag = r.tag();
    if (tag === 10) readResource(r, resource);
    else if (tag === 18) readScopeSpans(r, resource, spans, rejections);
    else if (tag === 26) resource.schemaUrl = r.string();
    else otherField(r, tag, RESOURCE_SPANS, 'ResourceSpans');
  }
  r.leave(saved);
}

function readScopeSpans(r: ProtoReader, resource: Resource, spans: Span[], rejections: Rejections): void {
  const saved = r.enter();
  const scope = newScope();
  while (r.pos < r.limit) {
    const tag = r.tag();
    if (tag === 10) readScope(r, scope);
    else if (tag === 18) readSpan(r, resource, scope, spans, rejections);
    else if (tag === 26) scope.schemaUrl = r.string();
    else otherField(r, tag, SCOPE_SPANS, 'ScopeSpans');
  }
  r.leave(saved);
}

function readSpan(
  r: ProtoReader,
  resource: Resource,
  scope: InstrumentationScope,
  spans: Span[],
  rejections: Rejections,
): void {
  const saved = r.enter();
  let traceId = '';
  let spanId = '';
  let traceState = '';
  let parentSpanId = '';
  let flags = 0;
  let name = '';
  let kind = 0;
  let startTimeUnixNano = 0n;
  let endTimeUnixNano = 0n;
  const attributes = createAttributes();
  let droppedAttributesCount = 0;
  const events: SpanEvent[] = [];
  let droppedEventsCount = 0;
  const links: SpanLink[] = [];
  let droppedLinksCount = 0;
  let status = { code: 0, message: '' };
  while (r.pos < r.limit) {
    const tag = r.tag();
    switch (tag) {
      case 10:
        traceId = r.hexId();
        break;
      case 18:
        spanId = r.hexId();
        break;
      case 26:
        traceState = r.string();
        break;
      case 34:
        parentSpanId = r.hexId();
        break;
      case 42:
        name = r.string();
        break;
      case 48:
        kind = r.varint32();
        break;
      case 57:
        startTimeUnixNano = r.fixed64();
        break;
      case 65:
        endTimeUnixNano = r.fixed64();
        break;
      case 74:
        readKeyValue(r, attributes);
        break;
      case 80:
        droppedAttributesCount = r.varint32();
        break;
      case 90:
        events.push(readEvent(r));
        break;
      case 96:
        droppedEventsCount = r.varint32();
        break;
      case 106:
        links.push(readLink(r));
        break;
      case 112:
        droppedLinksCount = r.varint32();
        break;
      case 122:
        status = readStatus(r);
        break;
      case 133:
        flags = r.fixed32();
        break;
      default:
        otherField(r, tag, SPAN, 'Span');
    }
  }
  r.leave(saved);
  const problem =
    idProblem('trace_id', traceId, 16, false) ??
    idProblem('span_id', spanId, 8, false) ??
    idProblem('parent_span_id', parentSpanId, 8, true) ??
    linkProblem(links);
  if (problem !== undefined) {
    rejections.add(`span "${name}" (span_id ${spanId || 'empty'}): ${problem}`);
    return;
  }
  spans.push({
    resource,
    scope,
    traceId,
    spanId,
    parentSpanId,
    traceState,
    flags,
    name,
    kind,
    startTimeUnixNano,
    endTimeUnixNano,
    attributes,
    droppedAttributesCount,
    events,
    droppedEventsCount,
    links,
    droppedLinksCount,
    status,
  });
}

function linkProblem(links: SpanLink[]): string | undefined {
  for (let i = 0; i < links.length; i++) {
    const link = links[i] as SpanLink;
    const problem =
      idProblem(`link ${i} trace_id`, link.traceId, 16, false) ??
      idProblem(`link ${i} span_id`, link.spanId, 8, false);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function readEvent(r: ProtoReader): SpanEvent {
  const saved = r.enter();
  let timeUnixNano = 0n;
  let name = '';
  const attributes = createAttributes();
  let droppedAttributesCount = 0;
  while (r.pos < r.limit) {
    const tag = r.tag();
    if (tag === 9) timeUnixNano = r.fixed64();
    else if (tag === 18) name = r.string();
    else if (tag === 26) readKeyValue(r, attributes);
    else if (tag === 32) droppedAttributesCount = r.varint32();
    else otherField(r, tag, EVENT, 'Span.Event');
  }
  r.leave(saved);
  return { timeUnixNano, name, attributes, droppedAttributesCount };
}

function readLink(r: ProtoReader): SpanLink {
  const saved = r.enter();
  let traceId = '';
  let spanId = '';
  let traceState = '';
  const attributes = createAttributes();
  let droppedAttributesCount = 0;
  let flags = 0;
  while (r.pos < r.limit) {
    const tag = r.tag();
    if (tag === 10) traceId = r.hexId();
    else if (tag === 18) spanId = r.hexId();
    else if (tag === 26) traceState = r.string();
    else if (tag === 34) readKeyValue(r, attributes);
    else if (tag === 40) droppedAttributesCount = r.varint32();
    else if (tag === 53) flags = r.fixed32();
    else otherField(r, tag, LINK, 'Span.Link');
  }
  r.leave(saved);
  return { traceId, spanId, traceState, attributes, droppedAttributesCount, flags };
}

function readStatus(r: ProtoReader): { code: number; message: string } {
  const saved = r.enter();
  let code = 0;
  let message = '';
  while (r.pos < r.limit) {
    const tag = r.tag();
    if (tag === 18) message = r.string();
    else if (tag === 24) code = r.varint32();
    else otherField(r, tag, STATUS, 'Status');
  }
  r.leave(saved);
  return { code, message };
}
