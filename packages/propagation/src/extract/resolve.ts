import { type Context, type Link, trace } from '@opentelemetry/api';
import { ATTR_LINK_ORIGIN } from '../attributes.js';
import type { Carrier } from '../carrier.js';
import type { ExtractedContext, ExtractOptions } from '../types.js';
import { extractW3C } from '../w3c.js';
import { parseXRay } from '../xray.js';
import type { SourceMatch } from './source-match.js';

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
 *    X-Ray trace; with `xray: 'parent'` the first becomes the parent when rule 1 found none;
 *    `ignore` drops them.
 */
export function resolve(match: SourceMatch, invocation: Invocation): ExtractedContext {
  const records = match.records ?? [];
  const single = records.length === 1 ? records[0] : undefined;
  const eventXRay = [...(match.xray ?? []), ...(single?.xray !== undefined ? [single.xray] : [])];
  let own = extractW3C(match.carrier ?? single?.carrier);
  if (own.spanContext === undefined && invocation.invoker !== undefined) {
    const invoker = extractW3C(invocation.invoker);
    if (invoker.spanContext !== undefined) own = invoker;
  }

  const links: Link[] = [];
  if (records.length > 1) {
    for (const record of records) {
      const { spanContext } = extractW3C(record.carrier);
      if (spanContext !== undefined)
        links.push({
          context: spanContext,
          attributes: { ...record.linkAttributes, [ATTR_LINK_ORIGIN]: 'record' },
        });
      if (record.xray !== undefined) eventXRay.push(record.xray);
    }
  }

  let parent: Context = own.context;
  if (invocation.mode !== 'ignore') {
    const xray = distinctXRay([invocation.xray, ...eventXRay]);
    const first = xray[0];
    if (invocation.mode === 'parent' && own.spanContext === undefined && first !== undefined) {
      parent = trace.setSpanContext(parent, first);
      xray.shift();
    }
    for (const context of xray) links.push({ context, attributes: { [ATTR_LINK_ORIGIN]: 'xray' } });
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

/** One span context per X-Ray trace: the first header seen of each trace is the most specific. */
function distinctXRay(headers: (string | undefined)[]) {
  const byTrace = new Map<string, NonNullable<ReturnType<typeof parseXRay>>>();
  for (const header of headers) {
    const context = parseXRay(header);
    if (context !== undefined && !byTrace.has(context.traceId)) byTrace.set(context.traceId, context);
  }
  return [...byTrace.values()];
}
