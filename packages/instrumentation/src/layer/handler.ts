/**
 * The handler module the runtime loads in place of the function's own (see loader.ts): sets the
 * instrumentation up, loads the handler named by `FIREFLY_HANDLER` as the runtime would, and
 * exports it wrapped. Top-level await holds the runtime until the handler is ready and, in async
 * mode, until the internal extension is registered.
 */
import { readString } from '../config/env.js';
import { instrumentationReady, LAYER_ACTIVE, wrapHandler } from '../wrap.js';
import { MalformedHandlerName } from './errors.js';
import { loadHandler } from './load-handler.js';

const configured = readString(process.env, 'FIREFLY_HANDLER');
if (configured === undefined) {
  throw new MalformedHandlerName(
    'FIREFLY_HANDLER is not set: the layer needs the function handler (module.function)',
  );
}
(globalThis as Record<symbol, unknown>)[LAYER_ACTIVE] = true;
// Set up first, so the function's module-level code already runs with the tracer provider.
const ready = instrumentationReady();
const original = await loadHandler(readString(process.env, 'LAMBDA_TASK_ROOT') ?? process.cwd(), configured);

export const handler = wrapHandler(original, undefined, true);

await ready;
