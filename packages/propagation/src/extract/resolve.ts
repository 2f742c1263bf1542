import { type Context, type Link, type SpanContext, TraceFlags, trace } from '@opentelemetry/api';
import { ATTR_LINK_ORIGIN } from '../attributes.js';
import type { Carrier } from '../carrier.js';
import type { ExtractedContext, ExtractOptions } from '../types.js';
import { extractW3C } from '../w3c.js';
import { parseXRay } from '../xray.js';
import type { SourceMatch } from './source-match.js';

/**
 * The most links a span keeps by default (the SDK's `OTEL_SPAN_LINK_COUNT_LIMIT`): a batch holds up
 * to 10,000 records, and a link past this one would only be parsed, built and dropped.
 */
export const MAX_LINKS = 128;

/** What the invocation (not the event) says about its callers. */
export interface Invocation {
  /** The synchronous invoker's ClientContext `custom` map. */
  invoker: Carrier | undefined;
  /** The invocation's own X-Ray header (`_X_AMZN_TRACE_ID`). */
  xray: string | undefined;
  mode: NonNullable<ExtractOptions['xray']>;
}

/**
 * Applies the precedence rules to what a source family found:
 *
 * 1. A valid W3C `traceparent` of the invocation is the parent: the event's own (HTTP headers,
 *    message attributes of a single record, payload field), else the synchronous invoker's
 *    ClientContext. Baggage travels with it.
 * 2. A batch of several records has no parent; each record with a valid context is a link.
 * 3. X-Ray headers (the invocation's `_X_AMZN_TRACE_ID` first, then the event's) are links, one per
 *    X-Ray trace; with `xray: 'parent'` the first sampled one of the invocation, the event or a
 *    single record becomes the parent when rule 1 found none — never a batch's record's; `ignore`
 *    drops them.
 *
 * At most `MAX_LINKS` links: the records' first, in order, then X-Ray's.
 */
export function resolve(match: SourceMatch, invocation: Invocation): ExtractedContext {
  const records = match.records ?? [];
  const single = records.length === 1 ? records[0] : undefined;
  let own = extractW3C(match.carrier ?? single?.carrier);
  if (own.spanContext === undefined && invocation.invoker !== undefined) {
    const invoker = extractW3C(invocation.invoker);
    if (invoker.spanContext !== undefined) own = invoker;
  }
  // One more than the links can hold: with `xray: 'parent'`, one of them may become the parent.
  const xray = invocation.mode === 'ignore' ? undefined : new XRayContexts(MAX_LINKS + 1);
  xray?.add(invocation.xray);
  for (const header of match.xray ?? []) xray?.add(header);
  xray?.add(single?.xray);
  // Only these — the invocation's, the event's, a single record's — may become the parent: a batch
  // has none, so its records' X-Ray headers, added below, are only ever links.
  const parentCandidates = xray?.size ?? 0;

  const links: Link[] = [];
  if (records.length > 1) {
    for (const record of records) {
      const room = links.length < MAX_LINKS;
      if (!room && (xray === undefined || xray.full)) break;
      const { spanContext } = room ? extractW3C(record.carrier) : { spanContext: undefined };
      if (spanContext !== undefined)
        links.push({
          context: spanContext,
          attributes: { ...record.linkAttributes, [ATTR_LINK_ORIGIN]: 'record' },
        });
      xray?.add(record.xray);
    }
  }

  let parent: Context = own.context;
  if (xray !== undefined) {
    const contexts = xray.contexts();
    // Lambda sets `_X_AMZN_TRACE_ID` with `Sampled=0` even when active tracing is off: as the
    // parent, it would make a parent-based sampler drop every such invocation. Only a sampled
    // X-Ray context may be the parent; an unsampled one stays a link.
    const sampled = contexts.slice(0, parentCandidates).findIndex(isSampled);
    if (invocation.mode === 'parent' && own.spanContext === undefined && sampled !== -1) {
      parent = trace.setSpanContext(parent, contexts[sampled] as SpanContext);
      contexts.splice(sampled, 1);
    }
    for (const context of contexts.slice(0, Math.max(0, MAX_LINKS - links.length)))
      links.push({ context, attributes: { [ATTR_LINK_ORIGIN]: 'xray' } });
  }

  return {
    parent,
    links,
    source: match.source,
    trigger: match.trigger,
    spanKind: match.spanKind,
    attributes: match.attributes,
  };
}

function isSampled(spanContext: SpanContext): boolean {
  return (spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
}

/**
 * One span context per X-Ray trace, in the order seen: the first header of each trace is the most
 * specific. Stops parsing once it holds `limit` of them.
 */
class XRayContexts {
  private readonly byTrace = new Map<string, SpanContext>();

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.byTrace.size;
  }

  get full(): boolean {
    return this.byTrace.size >= this.limit;
  }

  add(header: string | undefined): void {
    if (header === undefined || this.full) return;
    const context = parseXRay(header);
    if (context !== undefined && !this.byTrace.has(context.traceId))
      this.byTrace.set(context.traceId, context);
  }

  contexts(): SpanContext[] {
    return [...this.byTrace.values()];
  }
}
