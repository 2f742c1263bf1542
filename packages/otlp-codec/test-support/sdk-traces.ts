import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/**
 * Spans as a Lambda handler would make them with the real OpenTelemetry JS SDK: a SERVER root with
 * a remote W3C parent and tracestate, CLIENT/PRODUCER children, events, links, an error status,
 * every attribute type spans allow, and limits low enough to produce dropped counts.
 */
export async function sdkSpans(): Promise<ReadableSpan[]> {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'checkout-handler',
      'cloud.provider': 'aws',
      'cloud.region': 'eu-west-1',
      'faas.max_memory': 1024,
      'process.pid': 4242,
      'telemetry.sdk.language': 'nodejs',
    }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    spanLimits: { attributeCountLimit: 14, eventCountLimit: 3, linkCountLimit: 2 },
  });
  const tracer = provider.getTracer('@firefly/test', '1.2.3');
  const remote = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: new TraceState('congo=t61rcWkgMzE,rojo=00f067aa0ba902b7'),
  });
  const start = [1_764_000_000, 123_456_789] as [number, number];
  const root = tracer.startSpan(
    'GET /orders/{id}',
    {
      kind: SpanKind.SERVER,
      startTime: start,
      attributes: {
        'http.request.method': 'GET',
        'http.response.status_code': 200,
        'faas.coldstart': true,
        'faas.trigger': 'http',
        'aws.lambda.invoked_arn': 'arn:aws:lambda:eu-west-1:123456789012:function:checkout',
        'sampling.ratio': 0.25,
        'unicode.value': 'zürich — 東京 🚀',
        'http.request.header.accept': ['application/json', 'text/plain'],
        'retry.delays': [1.5, 3],
        'flags.set': [true, false],
      },
      links: [
        {
          context: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 0 },
        },
        {
          context: {
            traceId: '5bf92f3577b34da6a3ce929d0e0e4737',
            spanId: '10f067aa0ba902b8',
            traceFlags: 1,
            isRemote: true,
          },
          attributes: { 'link.kind': 'sqs', 'messaging.batch.index': 3 },
        },
        {
          context: { traceId: '6bf92f3577b34da6a3ce929d0e0e4738', spanId: '20f067aa0ba902b9', traceFlags: 1 },
        },
      ],
    },
    remote,
  );
  for (let i = 0; i < 6; i++) root.setAttribute(`extra.${i}`, i * 1000);
  root.addEvent('cache.miss', { 'cache.key': 'order:42' }, [1_764_000_000, 200_000_000]);
  const child = tracer.startSpan(
    'DynamoDB.GetItem',
    {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system.name': 'aws.dynamodb', 'aws.dynamodb.table_names': ['orders'] },
    },
    trace.setSpan(context.active(), root),
  );
  child.recordException(new Error('ConditionalCheckFailed'), [1_764_000_000, 300_000_000]);
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'conditional check failed' });
  child.end([1_764_000_000, 350_000_001]);
  const producer = tracer.startSpan(
    'orders send',
    { kind: SpanKind.PRODUCER },
    trace.setSpan(context.active(), root),
  );
  for (let i = 0; i < 5; i++) producer.addEvent(`retry ${i}`);
  producer.setStatus({ code: SpanStatusCode.OK });
  producer.end();
  root.end([1_764_000_001, 5]);
  const other = provider.getTracer('other-scope');
  other.startSpan('internal work', { kind: SpanKind.INTERNAL }).end();
  await provider.forceFlush();
  return exporter.getFinishedSpans();
}
