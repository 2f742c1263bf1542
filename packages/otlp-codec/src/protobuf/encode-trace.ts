import type { Span } from '@firefly/model';
import { groupByResourceAndScope } from '../group.js';
import type { ExportResponse } from '../types.js';
import { ProtoWriter } from '../wire/writer.js';
import {
  writeAttributes,
  writeEnum,
  writeFixed64,
  writeId,
  writeResource,
  writeScope,
  writeString,
  writeUint32,
} from './encode-common.js';

/** Encodes spans as an OTLP `ExportTraceServiceRequest` (protobuf). */
export function encodeTracesProtobuf(spans: readonly Span[]): Uint8Array {
  const w = new ProtoWriter(256 + spans.length * 512);
  for (const [resource, scopes] of groupByResourceAndScope(spans)) {
    const resourceSpans = w.begin(1);
    writeResource(w, 1, resource);
    for (const [scope, list] of scopes) {
      const scopeSpans = w.begin(2);
      writeScope(w, 1, scope);
      for (const span of list) writeSpan(w, span);
      writeString(w, 3, scope.schemaUrl);
      w.end(scopeSpans);
    }
    writeString(w, 3, resource.schemaUrl);
    w.end(resourceSpans);
  }
  return w.finish();
}

function writeSpan(w: ProtoWriter, span: Span): void {
  const start = w.begin(2);
  writeId(w, 1, span.traceId);
  writeId(w, 2, span.spanId);
  writeString(w, 3, span.traceState);
  writeId(w, 4, span.parentSpanId);
  writeString(w, 5, span.name);
  writeEnum(w, 6, span.kind);
  writeFixed64(w, 7, span.startTimeUnixNano);
  writeFixed64(w, 8, span.endTimeUnixNano);
  writeAttributes(w, 9, span.attributes);
  writeUint32(w, 10, span.droppedAttributesCount);
  for (const event of span.events) {
    const e = w.begin(11);
    writeFixed64(w, 1, event.timeUnixNano);
    writeString(w, 2, event.name);
    writeAttributes(w, 3, event.attributes);
    writeUint32(w, 4, event.droppedAttributesCount);
    w.end(e);
  }
  writeUint32(w, 12, span.droppedEventsCount);
  for (const link of span.links) {
    const l = w.begin(13);
    writeId(w, 1, link.traceId);
    writeId(w, 2, link.spanId);
    writeString(w, 3, link.traceState);
    writeAttributes(w, 4, link.attributes);
    writeUint32(w, 5, link.droppedAttributesCount);
    if (link.flags !== 0) {
      w.tag(6, 5);
      w.fixed32(link.flags);
    }
    w.end(l);
  }
  writeUint32(w, 14, span.droppedLinksCount);
  // Always present, as the OpenTelemetry SDK writes it: an absent Status reads as null to some
  // decoders rather than as UNSET.
  const status = w.begin(15);
  writeString(w, 2, span.status.message);
  writeEnum(w, 3, span.status.code);
  w.end(status);
  if (span.flags !== 0) {
    w.tag(16, 5);
    w.fixed32(span.flags);
  }
  w.end(start);
}

/**
 * Encodes an `ExportTraceServiceResponse` or `ExportMetricsServiceResponse` (same layout):
 * `partial_success` only when something was rejected or there is a message.
 */
export function encodeResponseProtobuf(response: ExportResponse): Uint8Array {
  const w = new ProtoWriter(64);
  if (response.rejected > 0 || response.errorMessage !== '') {
    const partial = w.begin(1);
    if (response.rejected > 0) {
      w.tag(1, 0);
      w.varint64(BigInt(response.rejected));
    }
    writeString(w, 2, response.errorMessage);
    w.end(partial);
  }
  return w.finish();
}
