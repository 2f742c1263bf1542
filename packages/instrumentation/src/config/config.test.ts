import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { resolveConfig } from './config.js';

let warnings: MockInstance;
beforeEach(() => {
  warnings = vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

function warned(): string {
  return warnings.mock.calls.map((call) => String(call[0])).join('\n');
}

describe('resolveConfig', () => {
  it('has the documented defaults', () => {
    const config = resolveConfig({}, {});
    expect(config).toMatchObject({
      disabled: false,
      flushMode: 'sync',
      metricsTemporality: 'delta',
      samplerSetting: { name: 'parentbased_always_on', arg: undefined },
      propagators: ['tracecontext', 'baggage'],
      xray: 'link',
      timeoutMarginMs: 500,
      syncFlushTimeoutMs: 1000,
      logLevel: 'warn',
    });
    expect(config.traces?.url.href).toBe('http://localhost:4318/v1/traces');
    expect(config.metrics?.url.href).toBe('http://localhost:4318/v1/metrics');
    expect(config.traces).toMatchObject({
      protocol: 'http/protobuf',
      compression: 'none',
      timeoutMs: 10_000,
      headers: {},
    });
  });

  it('appends v1/<signal> to the generic endpoint, path included, and takes signal endpoints as they are', () => {
    const generic = resolveConfig(
      {},
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example:4318/otlp/' },
    );
    expect(generic.traces?.url.href).toBe('https://collector.example:4318/otlp/v1/traces');
    const specific = resolveConfig(
      {},
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://generic:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:9999/custom',
      },
    );
    expect(specific.traces?.url.href).toBe('http://traces:9999/custom');
    expect(specific.metrics?.url.href).toBe('http://generic:4318/v1/metrics');
  });

  it('ranks code option → signal variable → generic variable → default', () => {
    const env = {
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces-env/v1/traces',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_TIMEOUT: '2000',
      OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '3000',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
      OTEL_EXPORTER_OTLP_HEADERS: 'a=generic,b=generic',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'b=traces,c=traces%20env',
      OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'b=metrics',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://metrics-env/custom',
      OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: '4000',
      OTEL_EXPORTER_OTLP_METRICS_COMPRESSION: 'none',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'gzip',
      FIREFLY_FLUSH_MODE: 'async',
    };
    const fromEnv = resolveConfig({}, env);
    expect(fromEnv.traces).toMatchObject({
      protocol: 'http/protobuf',
      timeoutMs: 3000,
      compression: 'gzip',
      headers: { a: 'generic', b: 'traces', c: 'traces env' },
    });
    expect(fromEnv.traces?.url.href).toBe('http://traces-env/v1/traces');
    expect(fromEnv.metrics).toMatchObject({
      protocol: 'http/protobuf',
      timeoutMs: 4000,
      compression: 'none',
      headers: { a: 'generic', b: 'metrics' },
    });
    expect(fromEnv.metrics?.url.href).toBe('http://metrics-env/custom');
    const generic = resolveConfig(
      {},
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TIMEOUT: '2000' },
    );
    expect(generic.metrics).toMatchObject({ protocol: 'http/json', timeoutMs: 2000 });
    expect(fromEnv.flushMode).toBe('async');
    const fromOptions = resolveConfig(
      {
        endpoint: 'http://option:4318',
        protocol: 'http/protobuf',
        exportTimeoutMs: 100,
        compression: 'none',
        headers: { c: 'option' },
        flushMode: 'sync',
      },
      env,
    );
    expect(fromOptions.traces?.url.href).toBe('http://option:4318/v1/traces');
    expect(fromOptions.traces).toMatchObject({
      protocol: 'http/protobuf',
      timeoutMs: 100,
      compression: 'none',
      headers: { a: 'generic', b: 'traces', c: 'option' },
    });
    expect(fromOptions.flushMode).toBe('sync');
    expect(resolveConfig({ tracesEndpoint: 'http://exact/path' }, env).traces?.url.href).toBe(
      'http://exact/path',
    );
  });

  it('treats blank variables as unset', () => {
    const config = resolveConfig(
      {},
      { OTEL_EXPORTER_OTLP_ENDPOINT: '  ', FIREFLY_FLUSH_MODE: '', OTEL_SDK_DISABLED: ' ' },
    );
    expect(config.traces?.url.href).toBe('http://localhost:4318/v1/traces');
    expect(config.flushMode).toBe('sync');
    expect(config.disabled).toBe(false);
    expect(warned()).toBe('');
  });

  it('warns about bad values, naming the variable, and falls back', () => {
    const config = resolveConfig(
      {},
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_TIMEOUT: 'soon',
        FIREFLY_FLUSH_MODE: 'later',
        FIREFLY_TIMEOUT_MARGIN_MS: '-5',
        FIREFLY_SYNC_FLUSH_TIMEOUT_MS: 'fast',
        OTEL_SDK_DISABLED: 'yes',
        OTEL_TRACES_SAMPLER: 'sometimes',
        OTEL_TRACES_SAMPLER_ARG: '3',
        OTEL_PROPAGATORS: 'tracecontext,b3',
        OTEL_TRACES_EXPORTER: 'console',
      },
    );
    expect(config.traces?.url.href).toBe('http://localhost:4318/v1/traces');
    expect(config.traces).toMatchObject({ protocol: 'http/protobuf', timeoutMs: 10_000 });
    expect(config.flushMode).toBe('sync');
    expect(config.timeoutMarginMs).toBe(500);
    expect(config.syncFlushTimeoutMs).toBe(1000);
    expect(config.disabled).toBe(false);
    expect(config.samplerSetting).toEqual({ name: 'parentbased_always_on', arg: 1 });
    expect(config.propagators).toEqual(['tracecontext']);
    const text = warned();
    for (const name of [
      'OTEL_EXPORTER_OTLP_ENDPOINT="collector:4318"',
      'OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported',
      'OTEL_EXPORTER_OTLP_TIMEOUT="soon"',
      'FIREFLY_FLUSH_MODE="later"',
      'FIREFLY_TIMEOUT_MARGIN_MS="-5"',
      'FIREFLY_SYNC_FLUSH_TIMEOUT_MS="fast"',
      'OTEL_SDK_DISABLED="yes"',
      'OTEL_TRACES_SAMPLER="sometimes"',
      'OTEL_TRACES_SAMPLER_ARG=3',
      'propagator "b3"',
      'OTEL_TRACES_EXPORTER="console"',
    ]) {
      expect(text).toContain(name);
    }
  });

  it('takes syncFlushTimeoutMs from the option, then FIREFLY_SYNC_FLUSH_TIMEOUT_MS', () => {
    const env = { FIREFLY_SYNC_FLUSH_TIMEOUT_MS: '250' };
    expect(resolveConfig({}, env).syncFlushTimeoutMs).toBe(250);
    expect(resolveConfig({ syncFlushTimeoutMs: 2000 }, env).syncFlushTimeoutMs).toBe(2000);
    expect(resolveConfig({ syncFlushTimeoutMs: -1 }, env).syncFlushTimeoutMs).toBe(250);
    expect(warned()).toContain('syncFlushTimeoutMs');
  });

  it('refuses a syncFlushTimeoutMs that leaves no time to export (each export keeps 20 ms spare)', () => {
    expect(resolveConfig({ syncFlushTimeoutMs: 20 }, {}).syncFlushTimeoutMs).toBe(1000);
    expect(warned()).toContain('option syncFlushTimeoutMs: 20 is not a number ≥ 21; ignored');
    expect(resolveConfig({}, { FIREFLY_SYNC_FLUSH_TIMEOUT_MS: '0' }).syncFlushTimeoutMs).toBe(1000);
    expect(warned()).toContain('FIREFLY_SYNC_FLUSH_TIMEOUT_MS="0" is not a number ≥ 21; ignored');
    expect(resolveConfig({ syncFlushTimeoutMs: 21 }, {}).syncFlushTimeoutMs).toBe(21);
  });

  it('maps the propagator list onto X-Ray extraction', () => {
    expect(resolveConfig({}, { OTEL_PROPAGATORS: 'tracecontext,baggage' }).xray).toBe('link');
    expect(resolveConfig({}, { OTEL_PROPAGATORS: 'tracecontext,baggage,xray' }).xray).toBe('parent');
    expect(resolveConfig({}, { OTEL_PROPAGATORS: 'xray-lambda,tracecontext' }).xray).toBe('parent');
    expect(resolveConfig({}, { OTEL_PROPAGATORS: 'tracecontext,none' })).toMatchObject({
      propagators: ['none'],
      xray: 'ignore',
    });
    expect(resolveConfig({ xray: 'ignore' }, { OTEL_PROPAGATORS: 'xray' }).xray).toBe('ignore');
    // @firefly/propagation's own variable is the specific one: it wins over OTEL_PROPAGATORS.
    expect(resolveConfig({}, { FIREFLY_PROPAGATION_XRAY: 'ignore', OTEL_PROPAGATORS: 'xray' }).xray).toBe(
      'ignore',
    );
    expect(resolveConfig({ xray: 'link' }, { FIREFLY_PROPAGATION_XRAY: 'parent' }).xray).toBe('link');
  });

  it('turns signals off with OTEL_TRACES_EXPORTER / OTEL_METRICS_EXPORTER=none, options over them', () => {
    const none = resolveConfig({}, { OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none' });
    expect(none.traces).toBeUndefined();
    expect(none.metrics).toBeUndefined();
    expect(resolveConfig({ traces: true }, { OTEL_TRACES_EXPORTER: 'none' }).traces).toBeDefined();
    expect(resolveConfig({ metrics: false }, {}).metrics).toBeUndefined();
  });

  it('reads the metrics temporality preference (lowmemory is delta for these instruments)', () => {
    const preference = (value: string) =>
      resolveConfig({}, { OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: value }).metricsTemporality;
    expect(preference('cumulative')).toBe('cumulative');
    expect(preference('delta')).toBe('delta');
    expect(preference('lowmemory')).toBe('delta');
    expect(resolveConfig({ metricsTemporality: 'cumulative' }, {}).metricsTemporality).toBe('cumulative');
  });

  it('reads OTEL_RESOURCE_ATTRIBUTES (percent-decoded) and OTEL_SERVICE_NAME over its service.name', () => {
    vi.stubEnv('OTEL_RESOURCE_ATTRIBUTES', 'service.name=from-attributes,team=pay%2Cments');
    expect(resolveConfig().envResourceAttributes).toEqual({
      'service.name': 'from-attributes',
      team: 'pay,ments',
    });
    vi.stubEnv('OTEL_SERVICE_NAME', 'from-service-name');
    expect(resolveConfig().envResourceAttributes['service.name']).toBe('from-service-name');
  });

  it('warns when OTEL_RESOURCE_ATTRIBUTES cannot be parsed', () => {
    vi.stubEnv('OTEL_RESOURCE_ATTRIBUTES', 'team');
    expect(resolveConfig().envResourceAttributes).toEqual({});
    expect(warned()).toContain('OTEL_RESOURCE_ATTRIBUTES="team"');
  });

  it('reads what Lambda says about the function', () => {
    const config = resolveConfig(
      {},
      {
        AWS_LAMBDA_FUNCTION_NAME: 'checkout',
        AWS_LAMBDA_FUNCTION_VERSION: '7',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
        AWS_REGION: 'eu-central-1',
        AWS_LAMBDA_INITIALIZATION_TYPE: 'provisioned-concurrency',
      },
    );
    expect(config.lambda).toMatchObject({
      functionName: 'checkout',
      functionVersion: '7',
      memoryMb: 1024,
      region: 'eu-central-1',
      initializationType: 'provisioned-concurrency',
    });
  });
});
