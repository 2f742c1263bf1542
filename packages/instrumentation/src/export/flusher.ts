import type { MetricPoint, Span as ModelSpan } from '@firefly/model';
import { encodeMetricsProtobuf, encodeTracesProtobuf } from '@firefly/otlp-codec';
import type { ExportTarget } from '../config/config.js';
import { describe, log } from '../log.js';
import type { OtlpHttpClient } from './otlp-http.js';
import type { SpanBuffer } from './span-buffer.js';
import type { SpanConverter } from './to-model.js';

export interface MetricsSource {
  /** The points to export now (delta: since the last call; cumulative: all series). */
  collect(): MetricPoint[];
}

export interface FlushTargets {
  traces: { target: ExportTarget; buffer: SpanBuffer; converter: SpanConverter } | undefined;
  metrics: { target: ExportTarget; source: MetricsSource } | undefined;
}

/**
 * Exports what the invocation produced: buffered spans to the traces endpoint and the invocation
 * metrics to the metrics endpoint, both requests at once. Never throws; failures are logged.
 */
export class Flusher {
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly targets: FlushTargets,
    private readonly client: OtlpHttpClient,
  ) {}

  /**
   * Exports everything pending, giving up at `deadline` (a `performance.now()` time). Resolves once
   * this flush and any earlier one still running are done.
   */
  flush(deadline: number): Promise<void> {
    const spans = this.targets.traces?.buffer.drain() ?? [];
    const points = this.targets.metrics?.source.collect() ?? [];
    const jobs: Promise<void>[] = [this.inFlight];
    if (spans.length > 0 && this.targets.traces) {
      const { target, converter } = this.targets.traces;
      jobs.push(
        this.send('spans', spans.length, target, () => spans.map((s) => converter.convert(s)), deadline),
      );
    }
    if (points.length > 0 && this.targets.metrics) {
      jobs.push(
        this.send('metric points', points.length, this.targets.metrics.target, () => points, deadline),
      );
    }
    const done = Promise.all(jobs).then(() => undefined);
    this.inFlight = done;
    return done;
  }

  private async send(
    what: 'spans' | 'metric points',
    count: number,
    target: ExportTarget,
    items: () => ModelSpan[] | MetricPoint[],
    deadline: number,
  ): Promise<void> {
    try {
      const payload = await encode(what, target, items());
      const outcome = await this.client.post(target, payload, deadline);
      if (!outcome.ok) log.warn(`${count} ${what} not exported: ${outcome.reason}`);
    } catch (error) {
      log.warn(`${count} ${what} not exported: ${describe(error)}`);
    }
  }
}

async function encode(
  what: 'spans' | 'metric points',
  target: ExportTarget,
  items: ModelSpan[] | MetricPoint[],
): Promise<Uint8Array> {
  if (target.protocol === 'http/json') {
    const json = await import('./json-encoding.js');
    const text =
      what === 'spans'
        ? json.encodeTracesJson(items as ModelSpan[])
        : json.encodeMetricsJson(items as MetricPoint[]);
    return Buffer.from(text);
  }
  return what === 'spans'
    ? encodeTracesProtobuf(items as ModelSpan[])
    : encodeMetricsProtobuf(items as MetricPoint[]);
}
