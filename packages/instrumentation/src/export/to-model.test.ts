import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeTracesProtobuf, encodeTracesProtobuf } from '@firefly/otlp-codec';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { SpanConverter } from './to-model.js';

function sdkSpans() {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'checkout',
      'faas.max_memory': 536870912,
      ratio: 0.5,
    }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('@firefly/instrumentation', '1.2.3');
  const remoteParent = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
  const server = tracer.startSpan(
    'POST /orders/{id}',
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.response.status_code': 201,
        'duration.ratio': 0.25,
        'faas.coldstart': true,
        tags: ['a', 'b'],
        counts: [1, 2, 3],
        'too.big': 2 ** 64,
      },
      links: [
        {
          context: {
            traceId: '5e6722a7cc56a9e146db7ae02d4da47e',
            spanId: '3b1ec6a5d8a1c2f0',
            traceFlags: 1,
            isRemote: true,
          },
          attributes: { 'firefly.link.origin': 'xray' },
        },
      ],
    },
    remoteParent,
  );
  server.addEvent('checkpoint', { step: 2 });
  server.recordException(new TypeError('bad input'));
  server.setStatus({ code: SpanStatusCode.ERROR, message: 'bad input' });
  const child = tracer.startSpan('child', { kind: SpanKind.CLIENT }, trace.setSpan(ROOT_CONTEXT, server));
  child.end();
  server.end();
  return memory.getFinishedSpans();
}

describe('SpanConverter', () => {
  it('encodes SDK spans exactly as the official OTLP/protobuf exporter does', async () => {
    const spans = sdkSpans();
    let official: Buffer | undefined;
    const server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      official = Buffer.concat(chunks);
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces` });
    await new Promise<void>((resolve) => exporter.export(spans, () => resolve()));
    await exporter.shutdown();
    server.close();

    const converter = new SpanConverter();
    const ours = decodeTracesProtobuf(encodeTracesProtobuf(spans.map((span) => converter.convert(span))));
    const theirs = decodeTracesProtobuf(official as Buffer);
    expect(ours.rejectedSpans).toBe(0);
    expect(ours.spans).toEqual(theirs.spans);
    const [child, parent] = ours.spans;
    expect(parent?.flags).toBe(0x301); // sampled, parent known to be remote
    expect(child?.flags).toBe(0x101); // sampled, local parent
    expect(parent?.attributes).toMatchObject({
      'http.response.status_code': 201n,
      'duration.ratio': 0.25,
      'too.big': 2 ** 64,
    });
  });

  it('shares one model resource and scope among spans', () => {
    const converter = new SpanConverter();
    const [first, second] = sdkSpans().map((span) => converter.convert(span));
    expect(first?.resource).toBe(second?.resource);
    expect(first?.scope).toBe(second?.scope);
    expect(first?.resource.serviceName).toBe('checkout');
  });
});

describe('SpanConverter.completeResource', () => {
  it('adds attributes learnt after setup to the model resource spans share; those already set win', () => {
    const converter = new SpanConverter();
    const resource = resourceFromAttributes({ 'service.name': 'checkout', 'cloud.region': 'eu-west-1' });
    // Converted before the account is known: the model object is shared, so it gains it too.
    const before = converter.resource(resource);
    converter.completeResource(resource, { 'cloud.account.id': '123456789012', 'cloud.region': 'us-east-1' });
    expect(converter.resource(resource)).toBe(before);
    expect(before.attributes).toEqual({
      'service.name': 'checkout',
      'cloud.region': 'eu-west-1',
      'cloud.account.id': '123456789012',
    });
  });
});
