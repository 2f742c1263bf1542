import { ENV_XRAY_MODE } from '@firefly/propagation';
import type { Attributes } from '@opentelemetry/api';
import { parseKeyPairsIntoRecord } from '@opentelemetry/core';
import { detectResources, envDetector } from '@opentelemetry/resources';
import { MIN_SYNC_FLUSH_TIMEOUT_MS } from '../invocation/budget.js';
import { type LogLevel, log } from '../log.js';
import {
  type Env,
  parseHttpUrl,
  readBoolean,
  readEnum,
  readList,
  readNumber,
  readString,
  readUrl,
} from './env.js';
import type {
  Compression,
  FlushMode,
  InstrumentationOptions,
  MetricsTemporality,
  OtlpProtocol,
  PropagatorName,
  XrayMode,
} from './options.js';

/** Where and how one signal is exported. */
export interface ExportTarget {
  url: URL;
  headers: Record<string, string>;
  protocol: OtlpProtocol;
  compression: Compression;
  timeoutMs: number;
}

export interface SamplerSetting {
  name: string;
  arg: number | undefined;
}

/** What the Lambda runtime tells a function about itself through its environment. */
export interface LambdaEnvironment {
  functionName: string | undefined;
  functionVersion: string | undefined;
  memoryMb: number | undefined;
  region: string | undefined;
  logGroup: string | undefined;
  logStream: string | undefined;
  initializationType: string | undefined;
  runtimeApi: string | undefined;
}

export interface ResolvedConfig {
  disabled: boolean;
  serviceName: string | undefined;
  /** `OTEL_RESOURCE_ATTRIBUTES`, with `OTEL_SERVICE_NAME` as `service.name`. */
  envResourceAttributes: Attributes;
  flushMode: FlushMode;
  /** Undefined when spans are not exported. */
  traces: ExportTarget | undefined;
  /** Undefined when metrics are off. */
  metrics: ExportTarget | undefined;
  metricsTemporality: MetricsTemporality;
  /** The sampler named by the environment; `options.sampler` wins over it. */
  samplerSetting: SamplerSetting;
  propagators: PropagatorName[];
  xray: XrayMode;
  timeoutMarginMs: number;
  /** The longest a flush before the response (sync mode) may hold it. */
  syncFlushTimeoutMs: number;
  logLevel: LogLevel;
  lambda: LambdaEnvironment;
}

const DEFAULT_ENDPOINT = 'http://localhost:4318/';
const DEFAULT_EXPORT_TIMEOUT_MS = 10_000;
const DEFAULT_TIMEOUT_MARGIN_MS = 500;
// Callers wait for a sync flush: a round trip to a healthy collector takes milliseconds, and a
// slow or unreachable one must not take the invocation's time (Lambda's default timeout is 3 s).
const DEFAULT_SYNC_FLUSH_TIMEOUT_MS = 1000;
const FLUSH_MODES: readonly FlushMode[] = ['sync', 'async'];
const PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const;
const COMPRESSIONS: readonly Compression[] = ['gzip', 'none'];
const PROPAGATORS: readonly PropagatorName[] = ['tracecontext', 'baggage', 'xray', 'xray-lambda', 'none'];
const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];
const XRAY_MODES: readonly XrayMode[] = ['link', 'parent', 'ignore'];
const LOG_LEVELS = ['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all'] as const;

/**
 * Options and environment merged, each setting by the documented precedence: code option →
 * signal-specific variable → generic variable → default.
 */
export function resolveConfig(options: InstrumentationOptions = {}, env: Env = process.env): ResolvedConfig {
  const logLevel = resolveLogLevel(env);
  const propagators = resolvePropagators(options, env);
  return {
    disabled: options.disabled ?? readBoolean(env, 'OTEL_SDK_DISABLED') ?? false,
    serviceName: nonBlank(options.serviceName),
    envResourceAttributes: readResourceAttributes(env),
    flushMode:
      option(options.flushMode, FLUSH_MODES, 'flushMode') ??
      readEnum(env, 'FIREFLY_FLUSH_MODE', FLUSH_MODES) ??
      'sync',
    traces: exportEnabled(options.traces, env, 'OTEL_TRACES_EXPORTER')
      ? resolveTarget(options, env, 'traces')
      : undefined,
    metrics: exportEnabled(options.metrics, env, 'OTEL_METRICS_EXPORTER')
      ? resolveTarget(options, env, 'metrics')
      : undefined,
    metricsTemporality: resolveTemporality(options, env),
    samplerSetting: resolveSampler(env),
    propagators,
    xray:
      option(options.xray, XRAY_MODES, 'xray') ??
      readEnum(env, ENV_XRAY_MODE, XRAY_MODES) ??
      xrayFromPropagators(propagators),
    timeoutMarginMs:
      atLeast(options.timeoutMarginMs, 0, 'timeoutMarginMs') ??
      readNumber(env, 'FIREFLY_TIMEOUT_MARGIN_MS') ??
      DEFAULT_TIMEOUT_MARGIN_MS,
    // Each export leaves DEADLINE_RESERVE_MS spare: a shorter timeout would never export.
    syncFlushTimeoutMs:
      atLeast(options.syncFlushTimeoutMs, MIN_SYNC_FLUSH_TIMEOUT_MS, 'syncFlushTimeoutMs') ??
      readNumber(env, 'FIREFLY_SYNC_FLUSH_TIMEOUT_MS', MIN_SYNC_FLUSH_TIMEOUT_MS) ??
      DEFAULT_SYNC_FLUSH_TIMEOUT_MS,
    logLevel,
    lambda: {
      functionName: readString(env, 'AWS_LAMBDA_FUNCTION_NAME'),
      functionVersion: readString(env, 'AWS_LAMBDA_FUNCTION_VERSION'),
      memoryMb: readNumber(env, 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 1),
      region: readString(env, 'AWS_REGION') ?? readString(env, 'AWS_DEFAULT_REGION'),
      logGroup: readString(env, 'AWS_LAMBDA_LOG_GROUP_NAME'),
      logStream: readString(env, 'AWS_LAMBDA_LOG_STREAM_NAME'),
      initializationType: readString(env, 'AWS_LAMBDA_INITIALIZATION_TYPE'),
      runtimeApi: readString(env, 'AWS_LAMBDA_RUNTIME_API'),
    },
  };
}

type Signal = 'traces' | 'metrics';

function resolveTarget(options: InstrumentationOptions, env: Env, signal: Signal): ExportTarget {
  const SIGNAL = signal.toUpperCase();
  return {
    url: resolveUrl(options, env, signal),
    headers: {
      ...readHeaders(env, 'OTEL_EXPORTER_OTLP_HEADERS'),
      ...readHeaders(env, `OTEL_EXPORTER_OTLP_${SIGNAL}_HEADERS`),
      ...options.headers,
    },
    protocol:
      protocolOption(options.protocol) ??
      readProtocol(env, `OTEL_EXPORTER_OTLP_${SIGNAL}_PROTOCOL`) ??
      readProtocol(env, 'OTEL_EXPORTER_OTLP_PROTOCOL') ??
      'http/protobuf',
    compression:
      option(options.compression, COMPRESSIONS, 'compression') ??
      readEnum(env, `OTEL_EXPORTER_OTLP_${SIGNAL}_COMPRESSION`, COMPRESSIONS) ??
      readEnum(env, 'OTEL_EXPORTER_OTLP_COMPRESSION', COMPRESSIONS) ??
      'none',
    timeoutMs:
      atLeast(options.exportTimeoutMs, 0, 'exportTimeoutMs') ??
      readNumber(env, `OTEL_EXPORTER_OTLP_${SIGNAL}_TIMEOUT`, 1) ??
      readNumber(env, 'OTEL_EXPORTER_OTLP_TIMEOUT', 1) ??
      DEFAULT_EXPORT_TIMEOUT_MS,
  };
}

function resolveUrl(options: InstrumentationOptions, env: Env, signal: Signal): URL {
  const specificOption = signal === 'traces' ? options.tracesEndpoint : options.metricsEndpoint;
  const name = signal === 'traces' ? 'tracesEndpoint' : 'metricsEndpoint';
  const fromSpecificOption = specificOption === undefined ? undefined : parseHttpUrl(specificOption, name);
  if (fromSpecificOption) return fromSpecificOption;
  const fromOption = options.endpoint === undefined ? undefined : parseHttpUrl(options.endpoint, 'endpoint');
  if (fromOption) return signalUrl(fromOption, signal);
  const fromSpecificEnv = readUrl(env, `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`);
  if (fromSpecificEnv) return fromSpecificEnv;
  const fromEnv = readUrl(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  return signalUrl(fromEnv ?? new URL(DEFAULT_ENDPOINT), signal);
}

/** The spec's rule for the generic endpoint: `v1/<signal>` appended to its path. */
function signalUrl(base: URL, signal: Signal): URL {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/$/, '')}/v1/${signal}`;
  return url;
}

/**
 * The resource detector reads `process.env` itself (it is the spec's parser, percent-decoding
 * included); it drops the whole variable on a malformed entry, which is reported here.
 */
function readResourceAttributes(env: Env): Attributes {
  const attributes = { ...detectResources({ detectors: [envDetector] }).attributes };
  const raw = readString(env, 'OTEL_RESOURCE_ATTRIBUTES');
  const parsed = Object.keys(attributes).filter(
    (key) => key !== 'service.name' || readString(env, 'OTEL_SERVICE_NAME') === undefined,
  );
  if (raw !== undefined && parsed.length === 0) {
    log.warn(
      `OTEL_RESOURCE_ATTRIBUTES="${raw}" is not a list of key=value pairs (with , and = percent-encoded); ignored`,
    );
  }
  return attributes;
}

function readHeaders(env: Env, name: string): Record<string, string> {
  const raw = readString(env, name);
  if (raw === undefined) return {};
  const headers = parseKeyPairsIntoRecord(raw);
  if (Object.keys(headers).length === 0) log.warn(`${name} has no key=value pair; ignored`);
  return headers;
}

function readProtocol(env: Env, name: string): OtlpProtocol | undefined {
  const value = readEnum(env, name, PROTOCOLS);
  if (value !== 'grpc') return value;
  log.warn(`${name}=grpc is not supported by Firefly's exporter; using http/protobuf`);
  return 'http/protobuf';
}

function protocolOption(value: OtlpProtocol | undefined): OtlpProtocol | undefined {
  return option(value, ['http/protobuf', 'http/json'], 'protocol');
}

function exportEnabled(optionValue: boolean | undefined, env: Env, name: string): boolean {
  if (optionValue !== undefined) return optionValue;
  const exporters = readList(env, name);
  if (exporters === undefined) return true;
  if (exporters.includes('otlp')) return true;
  if (exporters.length === 1 && exporters[0] === 'none') return false;
  log.warn(`${name}="${env[name]}": only otlp and none are supported; exporting with otlp`);
  return true;
}

function resolveTemporality(options: InstrumentationOptions, env: Env): MetricsTemporality {
  const fromOption = option(options.metricsTemporality, ['delta', 'cumulative'], 'metricsTemporality');
  if (fromOption) return fromOption;
  const preference = readEnum(env, 'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE', [
    'delta',
    'cumulative',
    'lowmemory',
  ]);
  // lowmemory is delta for counters and histograms, the only instruments emitted here.
  return preference === 'cumulative' ? 'cumulative' : 'delta';
}

function resolveSampler(env: Env): SamplerSetting {
  const name = readEnum(env, 'OTEL_TRACES_SAMPLER', SAMPLERS) ?? 'parentbased_always_on';
  const arg = readNumber(env, 'OTEL_TRACES_SAMPLER_ARG');
  if (arg !== undefined && arg > 1) {
    log.warn(`OTEL_TRACES_SAMPLER_ARG=${arg} is not a ratio in [0, 1]; using 1`);
    return { name, arg: 1 };
  }
  return { name, arg };
}

function resolvePropagators(options: InstrumentationOptions, env: Env): PropagatorName[] {
  const names = options.propagators ?? readList(env, 'OTEL_PROPAGATORS') ?? ['tracecontext', 'baggage'];
  const known: PropagatorName[] = [];
  for (const name of names) {
    if ((PROPAGATORS as readonly string[]).includes(name)) known.push(name as PropagatorName);
    else log.warn(`propagator "${name}" (OTEL_PROPAGATORS) is not supported; ignored`);
  }
  return known.includes('none') ? ['none'] : known;
}

/**
 * X-Ray listed among the propagators makes a sampled X-Ray header the parent when the event has no
 * W3C traceparent; otherwise it stays a link. A W3C parent is never replaced, whatever the order,
 * and an unsampled header (`Sampled=0`, what Lambda sets when active tracing is off) is never the
 * parent (see `@firefly/propagation`).
 */
function xrayFromPropagators(propagators: readonly PropagatorName[]): XrayMode {
  if (propagators.includes('none')) return 'ignore';
  return propagators.includes('xray') || propagators.includes('xray-lambda') ? 'parent' : 'link';
}

/** `OTEL_LOG_LEVEL`, resolved first so that it applies to the warnings about other variables. */
export function resolveLogLevel(env: Env = process.env): LogLevel {
  const level = readEnum(env, 'OTEL_LOG_LEVEL', LOG_LEVELS) ?? 'warn';
  return level === 'verbose' || level === 'all' ? 'debug' : level;
}

function option<T extends string>(value: T | undefined, allowed: readonly T[], name: string): T | undefined {
  if (value === undefined || allowed.includes(value)) return value;
  log.warn(`option ${name}: "${String(value)}" is not one of ${allowed.join(', ')}; ignored`);
  return undefined;
}

function atLeast(value: number | undefined, min: number, name: string): number | undefined {
  if (value === undefined || (Number.isFinite(value) && value >= min)) return value;
  log.warn(`option ${name}: ${value} is not a number ≥ ${min}; ignored`);
  return undefined;
}

function nonBlank(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
