import { wrap } from '../../../../dist/index.js';
import { behave, behaveWithCallback, streamBody } from '../behaviour.mjs';

export const handler = wrap(async (event, context) => behave(event, context));

export const callback = wrap((event, context, callback) => behaveWithCallback(event, context, callback));

// Answers only when the event loop empties: the runtime then responds null.
export const neverCallsBack = wrap((_event, _context, _callback) => {
  setTimeout(() => {}, 20);
});

// Returns a value without a promise: Node.js 24 answers it, older runtimes wait for the callback.
export const plain = wrap((_event, context) => ({ requestId: context.awsRequestId, via: 'return' }));

export const streaming = wrap(awslambda.streamifyResponse(async (event, stream) => streamBody(event, stream)));
