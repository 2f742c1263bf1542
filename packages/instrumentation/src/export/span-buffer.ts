import { type Context, TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { log } from '../log.js';

/** More than any invocation should produce; beyond it spans are dropped and counted. */
const MAX_BUFFERED_SPANS = 20_000;

/**
 * Holds ended, sampled spans until the invocation's flush takes them. There is no timer: in Lambda
 * the only safe moments to export are the ones the invocation lifecycle chooses.
 */
export class SpanBuffer implements SpanProcessor {
  private spans: ReadableSpan[] = [];
  private dropped = 0;

  constructor(private readonly flush: () => Promise<void>) {}

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.spans.length >= MAX_BUFFERED_SPANS) {
      this.dropped += 1;
      return;
    }
    this.spans.push(span);
  }

  /** Takes every buffered span. */
  drain(): ReadableSpan[] {
    if (this.dropped > 0) {
      log.warn(
        `${this.dropped} spans were dropped: more than ${MAX_BUFFERED_SPANS} ended between two flushes`,
      );
      this.dropped = 0;
    }
    const spans = this.spans;
    this.spans = [];
    return spans;
  }

  get size(): number {
    return this.spans.length;
  }

  forceFlush(): Promise<void> {
    return this.flush();
  }

  shutdown(): Promise<void> {
    return this.flush();
  }
}
