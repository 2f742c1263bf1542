import type { EventSource } from '@firefly/propagation';

const HTTP_SOURCES: readonly EventSource[] = ['api-gateway-rest', 'api-gateway-http', 'alb', 'function-url'];

/**
 * The HTTP status the caller gets: `statusCode` of a proxy-integration result, else 200 where API
 * Gateway's HTTP API and Function URLs turn any other result into a 200 response. Undefined for
 * events that did not come over HTTP (a `statusCode` in a direct invoke's result is just data).
 */
export function httpStatusOf(source: EventSource, result: unknown): number | undefined {
  if (!HTTP_SOURCES.includes(source)) return undefined;
  if (typeof result === 'object' && result !== null && 'statusCode' in result) {
    const status = Number((result as { statusCode: unknown }).statusCode);
    if (Number.isInteger(status) && status >= 100 && status <= 599) return status;
  }
  return source === 'api-gateway-http' || source === 'function-url' ? 200 : undefined;
}

/** The error's type for `error.type`: its class name, or the kind of thing thrown. */
export function errorTypeOf(error: unknown): string {
  // A subclass that does not set `name` still says what it is through its constructor.
  if (error instanceof Error) return error.name !== 'Error' ? error.name : error.constructor.name || 'Error';
  return typeof error === 'string' ? 'string' : typeof error;
}

/** A message for the span status. */
export function errorMessageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
