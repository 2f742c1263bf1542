// What a test function does, chosen by the event's `test` field (ignored by event detection).
import { context as otelContext, propagation, trace } from '@opentelemetry/api';

export async function behave(event, context) {
  const test = event?.test ?? {};
  switch (test.action) {
    case 'throw':
      throw new TypeError(test.message ?? 'the order is invalid');
    case 'sleep':
      await new Promise((resolve) => setTimeout(resolve, test.ms));
      return { slept: test.ms };
    case 'status':
      return { statusCode: test.statusCode, body: 'status' };
    case 'child-span': {
      const span = trace.getTracer('test').startSpan('child work');
      span.end();
      return { parent: trace.getActiveSpan()?.spanContext().spanId };
    }
    case 'baggage':
      return Object.fromEntries(
        (propagation.getActiveBaggage()?.getAllEntries() ?? []).map(([key, entry]) => [key, entry.value]),
      );
    case 'inject': {
      const carrier = {};
      propagation.inject(otelContext.active(), carrier);
      return carrier;
    }
    default:
      return { requestId: context.awsRequestId };
  }
}

export function behaveWithCallback(event, context, callback) {
  const test = event?.test ?? {};
  if (test.action === 'throw') throw new RangeError('thrown before calling back');
  setTimeout(() => {
    if (test.action === 'callback-error') callback(new Error('failed through the callback'));
    else callback(null, { requestId: context.awsRequestId, via: 'callback' });
  }, 5);
}

export async function streamBody(event, responseStream) {
  const test = event?.test ?? {};
  const stream =
    test.statusCode === undefined
      ? responseStream
      : awslambda.HttpResponseStream.from(responseStream, { statusCode: test.statusCode, headers: { 'x-test': '1' } });
  stream.write('first chunk;');
  await new Promise((resolve) => setTimeout(resolve, test.ms ?? 5));
  if (test.action === 'throw') throw new Error('stream broke');
  stream.write('second chunk');
  stream.end();
  await new Promise((resolve) => stream.on?.('finish', resolve) ?? resolve());
}
