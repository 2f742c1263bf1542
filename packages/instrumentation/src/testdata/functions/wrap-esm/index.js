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

// Answers through the legacy context methods of the Node.js 20 and 22 runtimes, a little later.
export const legacy = wrap((event, context) => {
  const { method } = event.test;
  setTimeout(() => {
    if (method === 'succeed') context.succeed({ via: 'succeed' });
    else if (method === 'fail') context.fail(new RangeError('failed through context.fail'));
    else if (method === 'done-error') context.done(new Error('failed through context.done'));
    else context.done(null, { via: 'done' });
  }, 5);
});

// Never calls back, unless asked how many 'beforeExit' listeners the process has.
export const listeners = wrap((event, _context, callback) => {
  if (event.test?.action === 'count') callback(null, { beforeExit: process.listenerCount('beforeExit') });
  else setTimeout(() => {}, 20);
});

// Async handlers that answer through context.succeed, or a callback that does not wait for the
// event loop, and return nothing: the runtime takes the first answer, which must be theirs.
export const asyncLegacy = wrap(async (event, context, callback) => {
  const { method } = event.test;
  if (method === 'succeed') context.succeed({ via: 'succeed' });
  else if (method === 'succeed-twice') {
    context.succeed({ via: 'first succeed' });
    context.succeed({ via: 'second succeed' });
  } else {
    context.callbackWaitsForEmptyEventLoop = false;
    callback(null, { via: 'callback' });
  }
});
