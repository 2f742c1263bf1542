import type { Attributes, Span } from '@opentelemetry/api';
import type { Sampler } from '@opentelemetry/sdk-trace-base';

/** When spans and metrics of an invocation leave the function (see the README). */
export type FlushMode = 'sync' | 'async';

export type OtlpProtocol = 'http/protobuf' | 'http/json';

export type Compression = 'gzip' | 'none';

export type MetricsTemporality = 'delta' | 'cumulative';

/** Propagator names of `OTEL_PROPAGATORS` that Firefly understands. */
export type PropagatorName = 'tracecontext' | 'baggage' | 'xray' | 'xray-lambda' | 'none';

/** What an X-Ray trace header becomes (see `@firefly/propagation`). */
export type XrayMode = 'link' | 'parent' | 'ignore';

/** The Lambda context fields Firefly reads; the runtime's context object has them all. */
export interface LambdaContext {
  awsRequestId: string;
  invokedFunctionArn: string;
  functionName: string;
  functionVersion?: string;
  getRemainingTimeInMillis(): number;
  clientContext?: { custom?: Record<string, unknown> } | undefined;
  callbackWaitsForEmptyEventLoop?: boolean;
}

export interface RequestHookInfo {
  event: unknown;
  context: LambdaContext;
}

export interface ResponseHookInfo {
  /** What the handler threw, rejected with or passed to its callback; undefined on success. */
  error: unknown;
  /** What the handler returned (undefined for streaming handlers and errors). */
  result: unknown;
}

/**
 * Options of {@link wrap}. Each one takes precedence over its environment variable; see the README
 * for the variables and defaults.
 */
export interface InstrumentationOptions {
  /** Turns the instrumentation off: `wrap()` returns the handler unchanged. Env: `OTEL_SDK_DISABLED`. */
  disabled?: boolean;
  /** Env: `OTEL_SERVICE_NAME`, then `service.name` in `OTEL_RESOURCE_ATTRIBUTES`, then the function name. */
  serviceName?: string;
  /** Extra resource attributes, over those of `OTEL_RESOURCE_ATTRIBUTES`. */
  resourceAttributes?: Attributes;
  /** Env: `FIREFLY_FLUSH_MODE`. Default `sync`. */
  flushMode?: FlushMode;
  /** Base OTLP/HTTP URL; `/v1/traces` and `/v1/metrics` are appended. Env: `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  endpoint?: string;
  /** Full traces URL, used as is. Env: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`. */
  tracesEndpoint?: string;
  /** Full metrics URL, used as is. Env: `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`. */
  metricsEndpoint?: string;
  /** Added to both signals' requests, over the `OTEL_EXPORTER_OTLP_*HEADERS` variables. */
  headers?: Record<string, string>;
  /** Env: `OTEL_EXPORTER_OTLP_{TRACES_,METRICS_,}PROTOCOL`. Default `http/protobuf`. */
  protocol?: OtlpProtocol;
  /** Env: `OTEL_EXPORTER_OTLP_{TRACES_,METRICS_,}COMPRESSION`. Default `none`. */
  compression?: Compression;
  /** Upper bound of one export request. Env: `OTEL_EXPORTER_OTLP_{TRACES_,METRICS_,}TIMEOUT`. Default 10 000. */
  exportTimeoutMs?: number;
  /** Export spans. Env: `OTEL_TRACES_EXPORTER` (`otlp` or `none`). Default true. */
  traces?: boolean;
  /** Emit invocation metrics. Env: `OTEL_METRICS_EXPORTER` (`otlp` or `none`). Default true. */
  metrics?: boolean;
  /** Env: `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`. Default `delta`. */
  metricsTemporality?: MetricsTemporality;
  /** Env: `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`. Default parent-based always-on. */
  sampler?: Sampler;
  /** Env: `OTEL_PROPAGATORS`. Default `tracecontext,baggage`. */
  propagators?: PropagatorName[];
  /** Overrides the X-Ray behaviour derived from the propagators. */
  xray?: XrayMode;
  /**
   * How long before the Lambda timeout a still-running invocation's span is ended and flushed.
   * Env: `FIREFLY_TIMEOUT_MARGIN_MS`. Default 500, and never more than a fifth of the invocation's
   * time budget.
   */
  timeoutMarginMs?: number;
  /**
   * The longest the flush before the response (sync mode) may hold it; it also ends before the
   * timeout guard would act. At least 21 (each export keeps 20 ms spare). Env:
   * `FIREFLY_SYNC_FLUSH_TIMEOUT_MS`. Default 1000.
   */
  syncFlushTimeoutMs?: number;
  /** Register the tracer provider, context manager and propagator globally. Default true. */
  registerGlobals?: boolean;
  /** Called after the invocation span starts; errors are logged, never thrown. */
  requestHook?: (span: Span, info: RequestHookInfo) => void;
  /** Called before the invocation span ends; errors are logged, never thrown. */
  responseHook?: (span: Span, info: ResponseHookInfo) => void;
}
