import type { EventSource } from '@firefly/propagation';
import { describe } from '../log.js';

const HTTP_SOURCES: readonly EventSource[] = ['api-gateway-rest', 'api-gateway-http', 'alb', 'function-url'];

/**
 * The HTTP status the caller gets: `statusCode` of a proxy-integration result, else 200 where API
 * Gateway's HTTP API and Function URLs turn any other result into a 200 response. Undefined for
 * events that did not come over HTTP (a `statusCode` in a direct invoke's result is just data).
 */
export function httpStatusOf(source: EventSource, result: unknown): number | undefined {
  if (!HTTP_SOURCES.includes(source)) return undefined;
  const status = statusNumber(statusCodeOf(result));
  if (Number.isInteger(status) && status >= 100 && status <= 599) return status;
  return source === 'api-gateway-http' || source === 'function-url' ? 200 : undefined;
}

/** The result's `statusCode`; undefined when reading it throws (a getter, a revoked proxy). */
function statusCodeOf(result: unknown): unknown {
  if (typeof result !== 'object' || result === null) return undefined;
  try {
    return 'statusCode' in result ? (result as { statusCode: unknown }).statusCode : undefined;
  } catch {
    return undefined;
  }
}

/** Numbers and numeric strings; not `Number()` of anything, which throws for a Symbol. */
function statusNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  return typeof value === 'string' ? Number(value) : Number.NaN;
}

/** The error's type for `error.type`: its class name, or the kind of thing thrown. */
export function errorTypeOf(error: unknown): string {
  try {
    // A subclass that does not set `name` still says what it is through its constructor.
    if (error instanceof Error)
      return error.name !== 'Error' ? String(error.name) : error.constructor.name || 'Error';
  } catch {
    // A getter of the customer's error threw: it is an Error all the same.
    return 'Error';
  }
  return typeof error === 'string' ? 'string' : typeof error;
}

/** A message for the span status. */
export function errorMessageOf(error: unknown): string {
  if (typeof error === 'string') return error;
  try {
    if (error instanceof Error) return String(error.message);
    return JSON.stringify(error) ?? describe(error);
  } catch {
    return describe(error);
  }
}
