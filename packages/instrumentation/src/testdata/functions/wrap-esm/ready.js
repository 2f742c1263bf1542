// ES modules can await the instrumentation: in async mode the extension is then registered before
// the runtime asks for the first invocation.
import { instrumentationReady, wrap } from '../../../../dist/index.js';
import { behave, behaveWithCallback } from '../behaviour.mjs';

export const handler = wrap(async (event, context) => behave(event, context));

export const callback = wrap((event, context, callback) => behaveWithCallback(event, context, callback));

await instrumentationReady();
