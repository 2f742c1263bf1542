import type { Span, SpanEvent, SpanLink } from '@firefly/model';
import { Rejections } from '@firefly/model';
import { idProblem } from '../ids.js';
import type { DecodedTraces } from '../types.js';
import { attributes, resource, scope } from './common.js';
import { parseJsonBody } from './parse.js';
import {
  eachObject,
  enumeration,
  hexId,
  int64,
  type JsonObject,
  JsonPath,
  object,
  string,
  uint32,
} from './values.js';

const SPAN_KINDS = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];
const STATUS_CODES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

/** Decodes an OTLP/JSON `ExportTraceServiceRequest` into flat spans. */
export function decodeTracesJson(body: Uint8Array | string): DecodedTraces {
  const root = parseJsonBody(body);
  const path = new JsonPath();
  const spans: Span[] = [];
  const rejections = new Rejections();
  eachObject(root, 'resourceSpans', path, (rs) => {
    const res = resource(rs, path);
    eachObject(rs, 'scopeSpans', path, (ss) => {
      const sc = scope(ss, path);
      eachObject(ss, 'spans', path, (s) => {
        const span = readSpan(s, path);
        const problem =
          idProblem('traceId', span.traceId, 16, false) ??
          idProblem('spanId', span.spanId, 8, false) ??
          idProblem('parentSpanId', span.parentSpanId, 8, true) ??
          span.links
            .map(
              (l, i) =>
                idProblem(`link ${i} traceId`, l.traceId, 16, false) ??
                idProblem(`link ${i} spanId`, l.spanId, 8, false),
            )
            .find((p) => p !== undefined);
        if (problem === undefined) spans.push({ resource: res, scope: sc, ...span });
        else rejections.add(`span "${span.name}" (spanId ${span.spanId || 'empty'}): ${problem}`);
      });
    });
  });
  return { spans, rejectedSpans: rejections.count, errorMessage: rejections.message };
}

function readSpan(s: JsonObject, path: JsonPath): Omit<Span, 'resource' | 'scope'> {
  const events: SpanEvent[] = [];
  eachObject(s, 'events', path, (e) =>
    events.push({
      timeUnixNano: int64(e, 'timeUnixNano', path, true),
      name: string(e, 'name', path),
      attributes: attributes(e, 'attributes', path),
      droppedAttributesCount: uint32(e, 'droppedAttributesCount', path),
    }),
  );
  const links: SpanLink[] = [];
  eachObject(s, 'links', path, (l) =>
    links.push({
      traceId: hexId(l, 'traceId', path),
      spanId: hexId(l, 'spanId', path),
      traceState: string(l, 'traceState', path),
      attributes: attributes(l, 'attributes', path),
      droppedAttributesCount: uint32(l, 'droppedAttributesCount', path),
      flags: uint32(l, 'flags', path),
    }),
  );
  const status = object(s, 'status', path) ?? {};
  path.push('status');
  const code = enumeration(status, 'code', path, STATUS_CODES);
  const message = string(status, 'message', path);
  path.pop();
  return {
    traceId: hexId(s, 'traceId', path),
    spanId: hexId(s, 'spanId', path),
    parentSpanId: hexId(s, 'parentSpanId', path),
    traceState: string(s, 'traceState', path),
    flags: uint32(s, 'flags', path),
    name: string(s, 'name', path),
    kind: enumeration(s, 'kind', path, SPAN_KINDS),
    startTimeUnixNano: int64(s, 'startTimeUnixNano', path, true),
    endTimeUnixNano: int64(s, 'endTimeUnixNano', path, true),
    attributes: attributes(s, 'attributes', path),
    droppedAttributesCount: uint32(s, 'droppedAttributesCount', path),
    events,
    droppedEventsCount: uint32(s, 'droppedEventsCount', path),
    links,
    droppedLinksCount: uint32(s, 'droppedLinksCount', path),
    status: { code, message },
  };
}
