// Async hooks whose promises reject: logged, never an unhandled rejection (which ends the process).
import { wrap } from '../../../../dist/index.js';
import { behave } from '../behaviour.mjs';

export const handler = wrap(async (event, context) => behave(event, context), {
  requestHook: async (span) => {
    span.setAttribute('request.hooked', true);
    throw new Error('the request hook failed');
  },
  responseHook: async (span) => {
    span.setAttribute('response.hooked', true);
    throw new Error('the response hook failed');
  },
});
