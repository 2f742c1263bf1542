import type { Writable } from 'node:stream';
import type { LambdaContext } from './config/options.js';
import { Invocation, type Outcome } from './invocation/invocation.js';
import type { Telemetry } from './sdk/telemetry.js';

/** What `awslambda.streamifyResponse` sets on a handler; the runtime looks for exactly this. */
const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const STREAM_RESPONSE = 'response';

// biome-ignore lint/suspicious/noExplicitAny: handlers take whatever their event type is.
type StreamingHandler = (event: any, responseStream: Writable, context: LambdaContext) => Promise<unknown>;

export function isStreamingHandler(handler: unknown): boolean {
  return (
    typeof handler === 'function' &&
    (handler as unknown as Record<symbol, unknown>)[HANDLER_STREAMING] === STREAM_RESPONSE
  );
}

/**
 * Response-streaming handlers get `(event, responseStream, context)`; the caller has the whole
 * response once the stream ends, so the flush after it (sync mode) delays only the runtime's next
 * poll, never the response. The status of `awslambda.HttpResponseStream.from(stream, { statusCode })`
 * is read from the metadata prelude it writes first.
 */
export function wrapStreaming(handler: StreamingHandler, telemetry: Telemetry): StreamingHandler {
  return function fireflyStreamingHandler(this: unknown, event, responseStream, context) {
    const invocation = Invocation.start(telemetry, event, context);
    if (invocation === undefined) return handler.call(this, event, responseStream, context);
    const prelude: { statusCode?: number } = {};
    const stream = watchPrelude(responseStream, prelude);
    return invocation.run(() => {
      const settle = (outcome: Outcome) => invocation.complete(outcome) ?? Promise.resolve();
      let returned: Promise<unknown>;
      try {
        returned = Promise.resolve(handler.call(this, event, stream, context));
      } catch (error) {
        return settle({ error }).then(() => Promise.reject(error));
      }
      return returned.then(
        (result) => settle({ result: { statusCode: prelude.statusCode } }).then(() => result),
        (error) => settle({ error }).then(() => Promise.reject(error)),
      );
    });
  };
}

/**
 * `HttpResponseStream.from` installs `_onBeforeFirstWrite` on the stream, which writes the JSON
 * prelude; a proxy sees the assignment and reads the status as the prelude goes by. Everything
 * else reaches the runtime's stream untouched.
 */
function watchPrelude(stream: Writable, prelude: { statusCode?: number }): Writable {
  if (typeof stream !== 'object' || stream === null) return stream;
  // Methods run on the stream itself: Node's HTTP internals compare `this` with the socket's message.
  const bound = new Map<unknown, unknown>();
  return new Proxy(stream, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      let method = bound.get(value);
      if (method === undefined) {
        method = value.bind(target);
        bound.set(value, method);
      }
      return method;
    },
    set(target, property, value) {
      if (property === '_onBeforeFirstWrite' && typeof value === 'function') {
        const writePrelude = value as (write: (chunk: unknown) => unknown) => unknown;
        return Reflect.set(
          target,
          property,
          (write: (chunk: unknown) => unknown) =>
            writePrelude((chunk) => {
              readStatus(chunk, prelude);
              return write(chunk);
            }),
          target,
        );
      }
      return Reflect.set(target, property, value, target);
    },
  });
}

function readStatus(chunk: unknown, prelude: { statusCode?: number }): void {
  if (prelude.statusCode !== undefined || typeof chunk !== 'string') return;
  try {
    const status = (JSON.parse(chunk) as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number') prelude.statusCode = status;
  } catch {
    // Not the prelude.
  }
}
