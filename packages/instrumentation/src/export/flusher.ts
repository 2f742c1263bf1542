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
}

/**
 * Exports what the invocation produced: buffered spans to the traces endpoint and the invocation
 * metrics to the metrics endpoint, both requests at once. Never throws; failures are logged. An
 * endpoint that keeps being unavailable — no answer, 408, 429, 5xx — is left alone for a while
 * (see ExportBackoff; one warning per failure streak): spans ended meanwhile are lost, metrics keep
 * aggregating until it answers. Anything else — a payload the endpoint refuses (400, 413), an
 * error while encoding — is logged (each distinct message once) and pauses nothing: the next
 * invocation's data may well go through.
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
   * this flush and any earlier one still running are done. `cutByInvocation`: the deadline is the
   * invocation's (its time was running out), so no answer before it says nothing of the endpoint.
   */
  flush(deadline: number, cutByInvocation = false): Promise<void> {
    const jobs: Promise<void>[] = [this.inFlight];
    try {
      const { traces, metrics } = this.targets;
      const spans = traces?.buffer.drain() ?? [];
      if (spans.length > 0 && traces && this.spans) {
        const { converter } = traces;
        jobs.push(
          this.send(
            this.spans,
            spans.length,
            () => spans.map((s) => converter.convert(s)),
            deadline,
            cutByInvocation,
          ),
        );
      }
      if (metrics && this.points?.backoff.paused) metrics.source.hold();
      else if (metrics && this.points) {
        const points = metrics.source.collect();
        if (points.length > 0)
          jobs.push(this.send(this.points, points.length, () => points, deadline, cutByInvocation));
      }
    } catch (error) {
      log.warn(`flush failed: ${describe(error)}`);
    }
    const done = Promise.all(jobs).then(() => undefined);
    this.inFlight = done;
    return done;
  }

  private async send<T>(
    route: Route<T>,
    count: number,
    items: () => T[],
    deadline: number,
    cutByInvocation: boolean,
  ): Promise<void> {
    const { backoff } = route;
    if (backoff.paused) return backoff.skipped(count);
    let body: Uint8Array;
    try {
      const encode = await route.encoder;
      body = encode(items());
    } catch (error) {
      // Our bug or the data's, not the endpoint's.
      return log.warn(`${backoff.what} not exported: ${describe(error)}`);
    }
    try {
      const outcome = await this.client.post(route.target, body, deadline);
      if (outcome.ok) backoff.succeeded();
      // Not the endpoint's fault: the invocation left no time, or too little to wait for it.
      else if (!outcome.sent) log.warn(`${backoff.what} not exported: ${outcome.reason}`);
      else if (outcome.cutShort && cutByInvocation) {
        // One line however long each wait was (the reason names it: debug).
        log.warn(
          `${backoff.what} not exported: no answer from ${backoff.url} before the invocation's deadline`,
        );
        log.debug(`${backoff.what} not exported: ${outcome.reason}`);
      } else if (unavailable(outcome.status)) backoff.failed(outcome.reason, count);
      else log.warn(`${backoff.what} not exported to ${backoff.url}: ${outcome.reason}`);
    } catch (error) {
      log.warn(`${backoff.what} not exported to ${backoff.url}: ${describe(error)}`);
    }
  }
}

/** An answer (or its absence, 0) meaning the endpoint cannot take exports now, not this payload. */
function unavailable(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

function route<T>(target: ExportTarget, what: ExportBackoff['what'], encoder: Promise<Encoder<T>>): Route<T> {
  // Loading starts now; a failure is reported by the first export that needs the encoder.
  encoder.catch(() => {});
  return { target, encoder, backoff: new ExportBackoff(what, target.url.href) };
}
