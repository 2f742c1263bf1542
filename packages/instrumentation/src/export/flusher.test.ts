import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SumPoint } from '@firefly/model';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { OtlpReceiver } from '../../test-support/otlp-receiver.js';
import type { ExportTarget } from '../config/config.js';
import { setLogLevel } from '../log.js';
import { InvocationMetrics, nowUnixNano } from '../metrics/invocation-metrics.js';
import { Flusher } from './flusher.js';
import { OtlpHttpClient } from './otlp-http.js';
import { SpanBuffer } from './span-buffer.js';
import { SpanConverter } from './to-model.js';

let receiver: OtlpReceiver;
let logged: MockInstance;
beforeEach(async () => {
  receiver = await OtlpReceiver.start();
  // Only performance.now() is faked (the exports' deadlines and the backoff's clock): time passes
  // when a test says so, and the HTTP requests run on real timers.
  vi.useFakeTimers({ toFake: ['performance'] });
  logged = vi.spyOn(console, 'error').mockImplementation(() => {});
  setLogLevel('info');
});
afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  setLogLevel('warn');
  await receiver.close();
});

function target(path: string, base = receiver.url): ExportTarget {
  return {
    url: new URL(`${base}${path}`),
    headers: {},
    protocol: 'http/protobuf',
    compression: 'none',
    timeoutMs: 5000,
  };
}

/** What one execution environment exports through: spans of a real tracer and invocation metrics. */
function exporting(endpoint = receiver.url) {
  const converter = new SpanConverter();
  const resource = resourceFromAttributes({ 'service.name': 'checkout' });
  const buffer = new SpanBuffer(() => Promise.resolve());
  const tracer = new BasicTracerProvider({ resource, spanProcessors: [buffer] }).getTracer('test');
  const scope = converter.scope({ name: 'test' });
  const metrics = new InvocationMetrics(converter.resource(resource), scope, 'delta', nowUnixNano());
  const flusher = new Flusher(
    {
      traces: { target: target('/v1/traces', endpoint), buffer, converter },
      metrics: { target: target('/v1/metrics', endpoint), source: metrics },
    },
    new OtlpHttpClient(),
  );
  let invocations = 0;
  /** One invocation's span and metrics, then its flush. */
  const invocation = async (deadlineMs = 5000, cutByInvocation = false) => {
    invocations += 1;
    tracer.startSpan(`invocation ${invocations}`).end();
    metrics.record({
      trigger: 'http',
      outcome: 'success',
      durationMs: 1,
      coldStart: false,
      initDurationMs: undefined,
    });
    await flusher.flush(performance.now() + deadlineMs, cutByInvocation);
  };
  return { invocation, converter };
}

function arrivals(path: string): number {
  return receiver.arrivals.filter((arrival) => arrival.path === path).length;
}

function lines(): string[] {
  return logged.mock.calls.map((call) => String(call[0]));
}

function invocationsExported(): SumPoint['value'][] {
  return receiver.points
    .filter((point): point is SumPoint => point.metric.name === 'faas.invocations')
    .map((point) => point.value);
}

describe('Flusher with an endpoint that keeps failing', () => {
  it('pauses after 3 failed exports, warns once, holds the metrics and sends them once it answers', async () => {
    const { invocation } = exporting();
    receiver.failNext(...Array(6).fill(500));
    for (let i = 0; i < 3; i++) await invocation();
    expect(arrivals('/v1/traces')).toBe(3);
    expect(arrivals('/v1/metrics')).toBe(3);
    // Paused: nothing is sent, for 30 s.
    await invocation();
    vi.advanceTimersByTime(29_999);
    await invocation();
    expect(receiver.arrivals).toHaveLength(6);
    expect(receiver.requests).toHaveLength(0);

    vi.advanceTimersByTime(1);
    await invocation();
    expect(arrivals('/v1/traces')).toBe(4);
    expect(arrivals('/v1/metrics')).toBe(4);
    expect(receiver.spans.map((span) => span.name)).toEqual(['invocation 6']);
    // The three invocations since the last failed export, aggregated while paused: none lost.
    expect(invocationsExported()).toEqual([3n]);

    const warnings = lines().filter((line) => line.includes('warn:'));
    expect(warnings).toHaveLength(2);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          `spans not exported to ${receiver.url}/v1/traces: ${receiver.url}/v1/traces answered 500`,
        ),
        expect.stringContaining(`metric points not exported to ${receiver.url}/v1/metrics`),
      ]),
    );
    // 3 spans refused, 2 not sent while paused.
    expect(lines()).toContain(
      `[firefly] info: spans exported to ${receiver.url}/v1/traces again after 3 failed exports; 5 spans were lost`,
    );
    expect(
      lines().some((line) => line.includes('metric points exported to') && line.includes('after 3 failed')),
    ).toBe(true);
  });

  it('pauses twice as long after a failed retry', async () => {
    const { invocation } = exporting();
    receiver.failNext(...Array(8).fill(500));
    for (let i = 0; i < 3; i++) await invocation();
    vi.advanceTimersByTime(30_000);
    // The retry fails: paused for 60 s now.
    await invocation();
    expect(receiver.arrivals).toHaveLength(8);
    vi.advanceTimersByTime(59_999);
    await invocation();
    expect(receiver.arrivals).toHaveLength(8);
    vi.advanceTimersByTime(1);
    await invocation();
    expect(receiver.arrivals).toHaveLength(10);
    expect(receiver.spans.map((span) => span.name)).toEqual(['invocation 6']);
  });

  it('does not count exports the invocation left no time for', async () => {
    const { invocation } = exporting();
    for (let i = 0; i < 3; i++) await invocation(-1);
    expect(receiver.arrivals).toHaveLength(0);
    receiver.failNext(...Array(6).fill(500));
    // Three failures with requests sent: only now does it pause.
    for (let i = 0; i < 3; i++) await invocation();
    expect(receiver.arrivals).toHaveLength(6);
    await invocation();
    expect(receiver.arrivals).toHaveLength(6);
  });

  it('does not count a refused payload (400, 413): it is logged, and exports go on', async () => {
    const { invocation } = exporting();
    receiver.failNext(400, 400, 413, 413, 400, 400);
    for (let i = 0; i < 3; i++) await invocation();
    expect(receiver.arrivals).toHaveLength(6);
    await invocation();
    expect(receiver.arrivals).toHaveLength(8);
    expect(receiver.spans.map((span) => span.name)).toEqual(['invocation 4']);
    const warnings = lines().filter((line) => line.includes('warn:'));
    // Each distinct refusal once.
    expect(warnings.filter((line) => line.includes('/v1/traces answered 400'))).toHaveLength(1);
    expect(warnings.filter((line) => line.includes('/v1/traces answered 413'))).toHaveLength(1);
    expect(warnings.some((line) => line.includes('exports pause'))).toBe(false);
  });

  it('does not count an error while converting or encoding: it is logged, and exports go on', async () => {
    const { invocation, converter } = exporting();
    const convert = vi.spyOn(converter, 'convert').mockImplementation(() => {
      throw new Error('this span cannot be converted');
    });
    for (let i = 0; i < 3; i++) await invocation();
    expect(arrivals('/v1/traces')).toBe(0);
    convert.mockRestore();
    await invocation();
    expect(receiver.spans.map((span) => span.name)).toEqual(['invocation 4']);
    expect(lines().filter((line) => line.includes('this span cannot be converted'))).toEqual([
      '[firefly] warn: spans not exported: this span cannot be converted',
    ]);
  });

  it("does not count no answer within a wait the invocation's deadline cut short; within the export's own bound, it does", async () => {
    let requests = 0;
    const silent = createServer(() => {
      requests += 1;
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const { invocation } = exporting(`http://127.0.0.1:${port}`);
      // 50 ms left by the invocation, of a 5 s export timeout: both requests each time.
      for (let i = 0; i < 4; i++) await invocation(50, true);
      expect(requests).toBe(8);
      // The same wait as the flush's own bound (a sync flush's cap): the endpoint is unavailable.
      for (let i = 0; i < 3; i++) await invocation(50);
      expect(requests).toBe(14);
      await invocation(50);
      expect(requests).toBe(14);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
