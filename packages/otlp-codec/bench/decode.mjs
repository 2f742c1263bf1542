// OTLP protobuf trace decode: @firefly/otlp-codec vs protobufjs with the official definitions, on
// the same bytes in the same run.    pnpm --filter @firefly/otlp-codec bench
//
// Payload: batches of 512 spans as the OpenTelemetry JS SDK exports them from a Lambda handler
// (SERVER spans, 10 attributes each, a Lambda resource), serialized by the official
// @opentelemetry/otlp-transformer protobuf serializer.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { SpanKind } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { decodeTracesProtobuf } from '../dist/index.js';

const BATCH = 512;
const reference = createRequire(import.meta.url)('otlp-protobufjs-reference/build/src/generated/root.js');
const Request = reference.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

function lambdaBatch(seed) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'checkout-handler',
      'cloud.provider': 'aws',
      'cloud.platform': 'aws_lambda',
      'cloud.region': 'eu-west-1',
      'faas.name': 'checkout-handler',
      'faas.version': '$LATEST',
      'faas.max_memory': 1024,
      'telemetry.sdk.language': 'nodejs',
    }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('@firefly/instrumentation', '0.1.0');
  for (let i = 0; i < BATCH; i++) {
    tracer
      .startSpan(`POST /orders/{id}`, {
        kind: SpanKind.SERVER,
        attributes: {
          'faas.trigger': 'http',
          'faas.coldstart': i % 50 === 0,
          'faas.invocation_id': `3f0e8c2a-${seed}-${i}-9d1b-4c6e8a2f7b1d`,
          'cloud.account.id': '123456789012',
          'cloud.resource_id': 'arn:aws:lambda:eu-west-1:123456789012:function:checkout-handler',
          'http.request.method': 'POST',
          'http.route': '/orders/{id}',
          'http.response.status_code': 200,
          'url.path': `/orders/${1000 + i}`,
          'user_agent.original': 'Amazon CloudFront',
        },
      })
      .end();
  }
  return ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans());
}

/** What a collector built on protobufjs must add: the same model objects our decoder returns. */
function protobufjsToModel(bytes) {
  const spans = [];
  for (const rs of Request.decode(bytes).resourceSpans) {
    const resource = { attributes: attrs(rs.resource?.attributes), schemaUrl: rs.schemaUrl };
    for (const ss of rs.scopeSpans) {
      const scope = { name: ss.scope?.name ?? '', version: ss.scope?.version ?? '' };
      for (const s of ss.spans) {
        spans.push({
          resource,
          scope,
          traceId: Buffer.from(s.traceId).toString('hex'),
          spanId: Buffer.from(s.spanId).toString('hex'),
          parentSpanId: s.parentSpanId ? Buffer.from(s.parentSpanId).toString('hex') : '',
          traceState: s.traceState,
          flags: s.flags,
          name: s.name,
          kind: s.kind,
          startTimeUnixNano: BigInt(s.startTimeUnixNano.toString()),
          endTimeUnixNano: BigInt(s.endTimeUnixNano.toString()),
          attributes: attrs(s.attributes),
          droppedAttributesCount: s.droppedAttributesCount,
          events: s.events,
          links: s.links,
          status: { code: s.status?.code ?? 0, message: s.status?.message ?? '' },
        });
      }
    }
  }
  return spans;
}

function attrs(list = []) {
  const out = {};
  for (const kv of list) {
    const v = kv.value ?? {};
    out[kv.key] =
      v.stringValue ??
      v.boolValue ??
      (v.intValue != null ? BigInt(v.intValue.toString()) : undefined) ??
      v.doubleValue ??
      null;
  }
  return out;
}

function measure(label, decode, payloads, rounds) {
  for (let i = 0; i < 200; i++) decode(payloads[i % payloads.length]); // warm-up
  const started = process.hrtime.bigint();
  let spans = 0;
  for (let i = 0; i < rounds; i++) spans += decode(payloads[i % payloads.length]);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { label, spansPerSecond: spans / seconds };
}

const INPUTS = {
  // Exactly what the OpenTelemetry serializer produced.
  Uint8Array: (bytes) => bytes,
  // What an HTTP server (fastify, node:http) hands over; protobufjs then decodes strings natively.
  Buffer: (bytes) => Buffer.from(bytes),
};
const DECODERS = {
  ours: (b) => decodeTracesProtobuf(b).spans.length,
  protobufjs: (b) => Request.decode(b).resourceSpans[0].scopeSpans[0].spans.length,
  'protobufjs + model': (b) => protobufjsToModel(b).length,
};

// Each input type runs in its own process: protobufjs's decoders turn polymorphic (slower) when
// one process feeds them both Uint8Array and Buffer, which would understate the peer.
const only = process.argv.find((arg) => arg.startsWith('--input='))?.slice('--input='.length);
if (only) {
  const payloads = Array.from({ length: 8 }, (_, i) => INPUTS[only](lambdaBatch(i)));
  const rounds = Number(process.env.BENCH_ROUNDS ?? 1500);
  const best = {};
  for (let repeat = 0; repeat < 3; repeat++) {
    for (const [name, decode] of Object.entries(DECODERS)) {
      best[name] = Math.max(best[name] ?? 0, measure(name, decode, payloads, rounds).spansPerSecond);
    }
  }
  process.stdout.write(JSON.stringify({ best, bytesPerSpan: payloads[0].length / BATCH, rounds }));
} else {
  const rows = [];
  let header = '';
  for (const input of Object.keys(INPUTS)) {
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), `--input=${input}`], {
      encoding: 'utf8',
    });
    if (child.status !== 0) throw new Error(child.stderr);
    const { best, bytesPerSpan, rounds } = JSON.parse(child.stdout);
    header = `${BATCH}-span batches from the OpenTelemetry JS SDK (Lambda SERVER spans, 10 attributes), ${bytesPerSpan.toFixed(0)} bytes/span; best of 3 x ${rounds} batches, one core`;
    for (const [decoder, rate] of Object.entries(best)) {
      rows.push({
        input,
        decoder,
        'spans/s': Math.round(rate),
        'MB/s': ((rate * bytesPerSpan) / 1e6).toFixed(1),
        'ours / this': (best.ours / rate).toFixed(2),
      });
    }
  }
  console.log(`OTLP protobuf trace decode: ${header}`);
  console.table(rows);
  console.log(
    'ours = @firefly/otlp-codec to the Firefly model; protobufjs = the official definitions compiled by protobufjs',
  );
  console.log(
    '(message objects, Long timestamps, Buffer ids); protobufjs + model = that plus the conversion a collector needs.',
  );
  console.log('Goals: >= 2x protobufjs, >= 400,000 spans/s.');
}
