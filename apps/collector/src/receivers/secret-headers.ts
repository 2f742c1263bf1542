import type { IncomingHttpHeaders } from 'node:http';

/** Request headers that carry credentials; their values never reach a log. */
export const SECRET_HEADERS: readonly string[] = ['authorization', 'x-api-key', 'x-amz-firehose-access-key'];

const REDACTED = '[Redacted]';

/**
 * The headers with credentials replaced, for log lines. Done here rather than left to pino's
 * `redact` alone, because the collector may be handed a logger instance configured elsewhere.
 */
export function redactedHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const copy = { ...headers };
  for (const name of SECRET_HEADERS) if (copy[name] !== undefined) copy[name] = REDACTED;
  return copy;
}
