import type { InstrumentationOptions, LambdaContext } from './config/options.js';
import { Invocation, type Outcome } from './invocation/invocation.js';
import { describe, log } from './log.js';
import { optionNames, type Telemetry, telemetryFor } from './sdk/telemetry.js';
import { isStreamingHandler, wrapStreaming } from './streaming.js';
import { isThenable } from './thenable.js';

/** Marks handlers wrapped by any copy of this package, so the layer never wraps twice. */
const WRAPPED = Symbol.for('firefly.instrumentation.wrapped');
/** Set by the layer: its (bundled) copy wraps the handler, so a copy in the function's code stands down. */
export const LAYER_ACTIVE = Symbol.for('firefly.instrumentation.layer');

// biome-ignore lint/suspicious/noExplicitAny: handlers take whatever their event and result types are.
type AnyHandler = (...args: any[]) => any;
type Callback = (error?: unknown, result?: unknown) => void;

/**
 * Instruments a Lambda handler: async (returns a promise), callback-style, or response-streaming
 * (`awslambda.streamifyResponse`). Returns a handler of the same shape — same arity, async-ness
 * and streaming marker, which the runtime inspects — that traces every invocation and flushes its
 * spans and metrics before the environment can freeze. Never breaks the function: if the
 * instrumentation cannot start, the handler is returned as it was.
 */
export function wrap<H extends AnyHandler>(handler: H, options?: InstrumentationOptions): H {
  return wrapHandler(handler, options, false);
}

/** `wrap()`, or the layer's wrapping of the configured handler (`fromLayer`). */
export function wrapHandler<H extends AnyHandler>(
  handler: H,
  options: InstrumentationOptions | undefined,
  fromLayer: boolean,
): H {
  if (typeof handler !== 'function') {
    throw new TypeError(`wrap(handler): the handler must be a function, got ${typeof handler}`);
  }
  if (isWrapped(handler)) return handler;
  if (!fromLayer && (globalThis as Record<symbol, unknown>)[LAYER_ACTIVE] === true) {
    const ignored = optionNames(options);
    if (ignored.length > 0) {
      log.warn(
        `wrap(): the Firefly layer instruments this function, so these options of wrap() are ignored: ${ignored.join(', ')} (set the layer's environment variables instead)`,
      );
    }
    return handler;
  }
  let telemetry: Telemetry | undefined;
  try {
    telemetry = telemetryFor(options);
  } catch (error) {
    log.error(`instrumentation disabled, it could not start: ${describe(error)}`);
  }
  if (telemetry === undefined) return handler;
  telemetry.coldStart.markReady();
  const wrapped = isStreamingHandler(handler)
    ? wrapStreaming(handler, telemetry)
    : wrapBuffered(handler, telemetry);
  return sameShape(wrapped, handler) as H;
}

/** Whether `handler` came out of `wrap()` (of this or another copy of the package). */
export function isWrapped(handler: unknown): boolean {
  return typeof handler === 'function' && (handler as unknown as Record<symbol, unknown>)[WRAPPED] === true;
}

/**
 * Sets the instrumentation up ahead of the handler (so code run at module load already sees the
 * tracer provider) and settles when the flush mode is final: the layer awaits it, so the internal
 * extension is registered before the runtime asks for the first invocation.
 */
export async function instrumentationReady(options?: InstrumentationOptions): Promise<void> {
  try {
    await telemetryFor(options)?.ready;
  } catch (error) {
    log.error(`instrumentation disabled, it could not start: ${describe(error)}`);
  }
}

function wrapBuffered(handler: AnyHandler, telemetry: Telemetry): AnyHandler {
  const run = function fireflyHandler(
    this: unknown,
    event: unknown,
    context: LambdaContext,
    callback?: Callback,
  ) {
    const invocation = Invocation.start(telemetry, event, context);
    if (invocation === undefined) return handler.call(this, event, context, callback);
    return invocation.run(() => runBuffered(this, handler, invocation, event, context, callback));
  };
  if (!isAsyncFunction(handler)) return run;
  // The runtime tells async functions apart (the Node.js 22 callback warning; a handler whose
  // promise never settles): the wrapper of an async function is one too.
  return async function fireflyHandler(
    this: unknown,
    event: unknown,
    context: LambdaContext,
    callback?: Callback,
  ) {
    return await run.call(this, event, context, callback);
  };
}

/**
 * Runs the handler and holds its outcome back until the invocation is complete, whichever way the
 * handler reports it: promise, callback, `context.succeed`/`fail`/`done`, synchronous throw, or —
 * without a callback, as the Node.js 24 runtime calls handlers — a plain return value.
 */
function runBuffered(
  self: unknown,
  handler: AnyHandler,
  invocation: Invocation,
  event: unknown,
  context: LambdaContext,
  callback: Callback | undefined,
): unknown {
  let settled = false;
  /** The flush the first outcome started (sync mode): every later report waits for it too. */
  let completion: Promise<void> | undefined;
  let stopWaiting: (() => void) | undefined;
  /**
   * Ends the invocation with the first outcome the handler reports, and returns what any report
   * must wait for. The runtime takes the first answer: a later one (an async handler's promise
   * after `context.succeed`, a second `succeed`) must not overtake the one held by the flush.
   */
  const settle = (outcome: Outcome): Promise<void> | undefined => {
    if (settled) return completion;
    settled = true;
    stopWaiting?.();
    completion = invocation.complete(outcome);
    return completion;
  };
  /** Reports to the runtime (`report`) once the invocation is complete. */
  const settleThen = (outcome: Outcome, report: () => unknown): unknown => after(settle(outcome), report);
  const wrappedCallback =
    typeof callback === 'function'
      ? (error?: unknown, result?: unknown) =>
          void settleThen(outcomeOf(error, result), () => callback(error, result))
      : undefined;
  let returned: unknown;
  try {
    returned = handler.call(self, event, withLegacyMethods(context, settleThen), wrappedCallback);
  } catch (error) {
    const done = settle({ error });
    // The runtime turns a synchronous throw into callback(error); without a callback, a rejection.
    if (callback) return void after(done, () => callback(error));
    return (done ?? Promise.resolve()).then(() => Promise.reject(error));
  }
  if (isThenable(returned)) {
    return Promise.resolve(returned).then(
      (result) => after(settle({ result }), () => result),
      (error) => after(settle({ error }), () => Promise.reject(error)),
    );
  }
  if (wrappedCallback === undefined)
    return (settle({ result: returned }) ?? Promise.resolve()).then(() => returned);
  // A callback handler may never call back: the runtime then answers null once the event loop is
  // empty. The span ends then too (its flush then races the freeze in sync mode).
  if (!settled) stopWaiting = whenLoopEmpties(() => settled || void settle({ result: null }));
  return returned;
}

function outcomeOf(error: unknown, result: unknown): Outcome {
  return error === undefined || error === null ? { result } : { error };
}

type SettleThen = (outcome: Outcome, report: () => unknown) => unknown;
type LegacyMethod = 'succeed' | 'fail' | 'done';

/**
 * The Node.js 20 and 22 runtimes' context still has the legacy `succeed`, `fail` and `done`, which
 * answer the invocation at once, callback or not: the handler gets a view of its context whose
 * three settle the invocation first, as the callback does. Everything else reads and writes the
 * runtime's context itself (`callbackWaitsForEmptyEventLoop` included).
 */
function withLegacyMethods(context: LambdaContext, settleThen: SettleThen): LambdaContext {
  if (typeof context !== 'object' || context === null) return context;
  const target = context as unknown as Record<LegacyMethod, unknown>;
  const call = (name: LegacyMethod, args: unknown[]) => () =>
    (target[name] as (...args: unknown[]) => unknown).apply(context, args);
  const methods: Record<LegacyMethod, (...args: unknown[]) => unknown> = {
    succeed: (result?: unknown) => settleThen({ result }, call('succeed', [result])),
    fail: (error?: unknown) => settleThen({ error }, call('fail', [error])),
    done: (error?: unknown, result?: unknown) =>
      settleThen(outcomeOf(error, result), call('done', [error, result])),
  };
  if (!(['succeed', 'fail', 'done'] as const).some((name) => replaceable(context, name))) return context;
  return new Proxy(context, {
    get(object, property) {
      if (
        (property === 'succeed' || property === 'fail' || property === 'done') &&
        replaceable(object, property)
      )
        return methods[property];
      return Reflect.get(object, property, object);
    },
    set: (object, property, value) => Reflect.set(object, property, value, object),
  });
}

/** A legacy method the context has and a proxy may stand in for (not frozen in place). */
function replaceable(context: object, name: LegacyMethod): boolean {
  if (typeof (context as Record<LegacyMethod, unknown>)[name] !== 'function') return false;
  const own = Object.getOwnPropertyDescriptor(context, name);
  return own === undefined || own.configurable === true || own.writable === true;
}

/** Invocations waiting for the event loop to empty, and the one `beforeExit` listener they share. */
const waitingForEmptyLoop = new Set<() => void>();
let listening = false;

/** Calls `answer` when the event loop empties; returns what stops waiting. */
function whenLoopEmpties(answer: () => void): () => void {
  if (!listening) {
    listening = true;
    // Before the runtime's own listener, which answers null for the invocation.
    process.prependListener('beforeExit', () => {
      for (const waiting of [...waitingForEmptyLoop]) waiting();
    });
  }
  waitingForEmptyLoop.add(answer);
  return () => waitingForEmptyLoop.delete(answer);
}

/** `then()` only when there is something to wait for: the async flush mode adds no promise. */
function after<T>(wait: Promise<void> | undefined, next: () => T): T | Promise<T> {
  return wait === undefined ? next() : wait.then(next);
}

function isAsyncFunction(fn: AnyHandler): boolean {
  return fn.constructor?.name === 'AsyncFunction';
}

/**
 * The runtime reads a handler's arity (callback handlers are refused from Node.js 24) and its
 * streaming symbols: the wrapper keeps them.
 */
function sameShape(shaped: AnyHandler, original: AnyHandler): AnyHandler {
  for (const symbol of Object.getOwnPropertySymbols(original)) {
    (shaped as unknown as Record<symbol, unknown>)[symbol] = (original as unknown as Record<symbol, unknown>)[
      symbol
    ];
  }
  Object.defineProperty(shaped, 'length', { value: original.length });
  Object.defineProperty(shaped, 'name', { value: original.name });
  Object.defineProperty(shaped, WRAPPED, { value: true });
  return shaped;
}
