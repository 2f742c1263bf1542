import type { MetricPoint, Span as ModelSpan } from '@firefly/model';
import type { ExportTarget } from '../config/config.js';
import { describe, log } from '../log.js';
import { ExportBackoff } from './backoff.js';
import { type Encoder, pointEncoder, spanEncoder } from './encoding.js';
import type { OtlpHttpClient } from './otlp-http.js';
import type { SpanBuffer } from './span-buffer.js';
import type { SpanConverter } from './to-model.js';

export interface MetricsSource {
  /** The points to export now (delta: since the last call; cumulative: all series). */
  collect(): MetricPoint[];
  /** Aggregates what was recorded without producing points: kept for a later `collect()`. */
  hold(): void;
}

export interface FlushTargets {
  traces: { target: ExportTarget; buffer: SpanBuffer; converter: SpanConverter } | undefined;
  metrics: { target: ExportTarget; source: MetricsSource } | undefined;
}

/** One signal's way out: where to, its encoder (loading from setup on) and its failure streak. */
interface Route<T> {
  target: ExportTarget;
  encoder: Promise<Encoder<T>>;
  backoff: ExportBackoff;
  what: 'spans' | 'metric points';
}

/**
 * Exports what the invocation produced: buffered spans to the traces endpoint and the invocation
 * metrics to the metrics endpoint, both requests at once. Never throws; failures are logged, once
 * per failure streak, and an endpoint that keeps failing is left alone for a while (see
 * ExportBackoff): spans ended meanwhile are lost, metrics keep aggregating until it answers.
 */
export class Flusher {
  private inFlight: Promise<void> = Promise.resolve();
  private readonly spans: Route<ModelSpan> | undefined;
  private readonly points: Route<MetricPoint> | undefined;

  constructor(
    private readonly targets: FlushTargets,
    private readonly client: OtlpHttpClient,
  ) {
    const { traces, metrics } = targets;
    this.spans = traces && route(traces.target, 'spans', spanEncoder(traces.target));
    this.points = metrics && route(metrics.target, 'metric points', pointEncoder(metrics.target));
  }

  /**
   * Exports everything pending, giving up at `deadline` (a `performance.now()` time). Resolves once
   * this flush and any earlier one still running are done.
   */
  flush(deadline: number): Promise<void> {
    const jobs: Promise<void>[] = [this.inFlight];
    try {
      const { traces, metrics } = this.targets;
      const spans = traces?.buffer.drain() ?? [];
      if (spans.length > 0 && traces && this.spans) {
        const { converter } = traces;
        jobs.push(
          this.send(this.spans, spans.length, () => spans.map((s) => converter.convert(s)), deadline),
        );
      }
      if (metrics && this.points?.backoff.paused) metrics.source.hold();
      else if (metrics && this.points) {
        const points = metrics.source.collect();
        if (points.length > 0) jobs.push(this.send(this.points, points.length, () => points, deadline));
      }
    } catch (error) {
      log.warn(`flush failed: ${describe(error)}`);
    }
    const done = Promise.all(jobs).then(() => undefined);
    this.inFlight = done;
    return done;
  }

  private async send<T>(route: Route<T>, count: number, items: () => T[], deadline: number): Promise<void> {
    const { backoff } = route;
    if (backoff.paused) return backoff.skipped(count);
    try {
      const encode = await route.encoder;
      const outcome = await this.client.post(route.target, encode(items()), deadline);
      if (outcome.ok) backoff.succeeded();
      // Not the endpoint's fault: the invocation left no time.
      else if (!outcome.sent) log.warn(`${route.what} not exported: ${outcome.reason}`);
      else backoff.failed(outcome.reason, count);
    } catch (error) {
      backoff.failed(describe(error), count);
    }
  }
}

function route<T>(target: ExportTarget, what: Route<T>['what'], encoder: Promise<Encoder<T>>): Route<T> {
  // Loading starts now; a failure is reported by the first export that needs the encoder.
  encoder.catch(() => {});
  return { target, encoder, backoff: new ExportBackoff(what, target.url.href), what };
}
