// The OpenTelemetry setup the benchmark compares with, as the OpenTelemetry Lambda layer's wrapper
// configures it (opentelemetry-lambda nodejs/packages/layer/src/wrapper.ts): NodeTracerProvider with
// env/process resource detection and Lambda attributes, W3C trace context and baggage propagators,
// @opentelemetry/instrumentation-aws-lambda hooking the handler module; the official OTLP/protobuf
// exporter behind a SimpleSpanProcessor, and the instrumentation's forceFlush at every invocation end.
// Loaded with NODE_OPTIONS=--import, as the layer's otel-handler script does.
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { AwsLambdaInstrumentation } from '@opentelemetry/instrumentation-aws-lambda';
import {
  detectResources,
  envDetector,
  processDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

const env = process.env;
const resource = resourceFromAttributes({
  'service.name': env.AWS_LAMBDA_FUNCTION_NAME,
  'cloud.provider': 'aws',
  'cloud.platform': 'aws_lambda',
  'cloud.region': env.AWS_REGION,
  'faas.name': env.AWS_LAMBDA_FUNCTION_NAME,
  'faas.version': env.AWS_LAMBDA_FUNCTION_VERSION,
  'faas.max_memory': Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE) * 1024 * 1024,
}).merge(detectResources({ detectors: [envDetector, processDetector] }));

const provider = new NodeTracerProvider({
  resource,
  spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter())],
});
provider.register({
  propagator: new CompositePropagator({
    propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
  }),
});
registerInstrumentations({ instrumentations: [new AwsLambdaInstrumentation()], tracerProvider: provider });
