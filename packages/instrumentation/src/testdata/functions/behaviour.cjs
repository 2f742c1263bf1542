// The CommonJS twin of behaviour.mjs, for CommonJS functions loaded by the layer.
const { trace } = require('@opentelemetry/api');

exports.behave = async function behave(event, context) {
  const test = (event && event.test) || {};
  if (test.action === 'throw') throw new TypeError(test.message || 'the order is invalid');
  if (test.action === 'node-options') return { nodeOptions: process.env.NODE_OPTIONS };
  if (test.action === 'child-span') {
    const span = trace.getTracer('test').startSpan('child work');
    span.end();
    return { parent: trace.getActiveSpan()?.spanContext().spanId };
  }
  return { requestId: context.awsRequestId, module: 'cjs' };
};
