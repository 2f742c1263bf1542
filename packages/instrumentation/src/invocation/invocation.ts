import type { EventSource } from '@firefly/propagation';
import { type Context, context, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, ATTR_HTTP_RESPONSE_STATUS_CODE } from '@opentelemetry/semantic-conventions';
import {
  ATTR_CLOUD_ACCOUNT_ID,
  ATTR_CLOUD_RESOURCE_ID,
  ATTR_FAAS_COLDSTART,
  ATTR_FAAS_INVOCATION_ID,
  ATTR_FAAS_TRIGGER,
} from '@opentelemetry/semantic-conventions/incubating';
import type { LambdaContext } from '../config/options.js';
import { describe, log } from '../log.js';
import type { InvocationOutcome } from '../metrics/invocation-metrics.js';
import { extractInvocation } from '../sdk/propagation.js';
import type { Telemetry } from '../sdk/telemetry.js';
import { isThenable } from '../thenable.js';
import { guardMargin, syncFlushBudget } from './budget.js';
import { errorMessageOf, errorTypeOf, httpStatusOf } from './response.js';

/** Set on an invocation span the timeout guard ended: the function was about to time out. */
export const ATTR_FIREFLY_TIMEOUT = 'firefly.timeout';

/** What the handler did: returned (or called back) a result, or failed. */
export type Outcome = { error: unknown } | { result: unknown };

/**
 * One invocation: its SERVER or CONSUMER span, started in the context extracted from the event,
 * ended exactly once — by the handler's outcome or by the timeout guard shortly before Lambda's
 * deadline — and flushed before the result goes back (sync), or by the extension after (async).
 */
export class Invocation {
  readonly span: Span;
  /** The active context while the handler runs. */
  readonly activeContext: Context;
  private readonly startedAt = performance.now();
  private readonly requestId: string;
  private readonly source: EventSource;
  private readonly trigger: string;
  private readonly coldStart: boolean;
  private readonly initDurationMs: number | undefined;
  private readonly guard: NodeJS.Timeout | undefined;
  /** How long before the deadline the timeout guard acts: fixed when it starts. */
  private guardMarginMs = 0;
  private ended = false;
  private guardFlush: Promise<void> | undefined;

  /**
   * Undefined if anything went wrong (a custom sampler that throws, say): the handler then runs
   * uninstrumented, and the invocation counts as ended, so the extension does not wait for it.
   */
  static start(telemetry: Telemetry, event: unknown, lambdaContext: LambdaContext): Invocation | undefined {
    try {
      return new Invocation(telemetry, event, lambdaContext);
    } catch (error) {
      log.warn(`invocation not traced: ${describe(error)}`);
      guarded('ending the untraced invocation', () => telemetry.completions.end(lambdaContext.awsRequestId));
      return undefined;
    }
  }

  private constructor(
    private readonly telemetry: Telemetry,
    event: unknown,
    private readonly lambdaContext: LambdaContext,
  ) {
    const { config } = telemetry;
    this.requestId = lambdaContext.awsRequestId;
    const extracted = extractInvocation(event, lambdaContext, config.propagators, config.xray);
    ({ coldStart: this.coldStart, initDurationMs: this.initDurationMs } = telemetry.coldStart.next(
      this.startedAt,
    ));
    this.source = extracted.source;
    this.trigger = extracted.trigger;
    const arn = arnAttributes(
      lambdaContext.invokedFunctionArn,
      lambdaContext.functionVersion ?? config.lambda.functionVersion,
    );
    telemetry.noteAccountId(arn.accountId);
    this.span = telemetry.tracer.startSpan(
      spanName(extracted.attributes, lambdaContext.functionName ?? config.lambda.functionName),
      {
        kind: extracted.spanKind,
        links: extracted.links,
        attributes: {
          ...extracted.attributes,
          [ATTR_FAAS_TRIGGER]: extracted.trigger,
          [ATTR_FAAS_INVOCATION_ID]: lambdaContext.awsRequestId,
          [ATTR_FAAS_COLDSTART]: this.coldStart,
          [ATTR_CLOUD_ACCOUNT_ID]: arn.accountId,
          [ATTR_CLOUD_RESOURCE_ID]: arn.resourceId,
        },
      },
      extracted.parent,
    );
    this.activeContext = trace.setSpan(extracted.parent, this.span);
    const hook = telemetry.options.requestHook;
    if (hook) guarded('requestHook', () => hook(this.span, { event, context: lambdaContext }));
    this.guard = this.startGuard();
  }

  /** Runs the handler with the invocation span active. */
  run<T>(fn: () => T): T {
    return context.with(this.activeContext, fn);
  }

  /**
   * Ends the invocation with the handler's outcome. Returns what the result must wait for before
   * it goes back to the runtime: the flush in sync mode; nothing when the extension flushes after
   * the response.
   */
  complete(outcome: Outcome): Promise<void> | undefined {
    if (this.ended) return this.guardFlush;
    // Between the handler's outcome and the runtime: nothing may escape to the customer.
    try {
      this.end(outcome);
      if (this.telemetry.flushesAfterResponse) return undefined;
      const { syncFlushTimeoutMs } = this.telemetry.config;
      const budget = syncFlushBudget(this.remainingMs(), this.guardMarginMs, syncFlushTimeoutMs);
      return this.telemetry.flush(budget, budget < syncFlushTimeoutMs);
    } catch (error) {
      log.warn(`invocation ${this.requestId} not flushed: ${describe(error)}`);
      return undefined;
    }
  }

  /** Each step on its own guard: whatever fails, the span still ends and the extension learns of it. */
  private end(outcome: Outcome | 'timeout'): void {
    this.ended = true;
    clearTimeout(this.guard);
    const result: InvocationOutcome =
      outcome === 'timeout' ? 'timeout' : 'error' in outcome ? 'error' : 'success';
    guarded('recording the outcome on the invocation span', () => this.recordOutcome(outcome));
    guarded('ending the invocation span', () => this.span.end());
    guarded('recording the invocation metrics', () =>
      this.telemetry.metrics?.record({
        trigger: this.trigger,
        outcome: result,
        durationMs: performance.now() - this.startedAt,
        coldStart: this.coldStart,
        initDurationMs: this.initDurationMs,
      }),
    );
    this.telemetry.completions.end(this.requestId);
  }

  private recordOutcome(outcome: Outcome | 'timeout'): void {
    const span = this.span;
    if (outcome === 'timeout') {
      span.setAttribute(ATTR_FIREFLY_TIMEOUT, true);
      span.setAttribute(ATTR_ERROR_TYPE, 'timeout');
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'the invocation was about to time out' });
    } else if ('error' in outcome) {
      recordError(span, outcome.error);
    } else {
      const status = httpStatusOf(this.source, outcome.result);
      if (status !== undefined) {
        span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
        if (status >= 500) {
          span.setAttribute(ATTR_ERROR_TYPE, String(status));
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
      }
    }
    const hook = this.telemetry.options.responseHook;
    if (hook && outcome !== 'timeout') {
      const info =
        'error' in outcome
          ? { error: outcome.error, result: undefined }
          : { error: undefined, result: outcome.result };
      guarded('responseHook', () => hook(span, info));
    }
  }

  /**
   * Lambda kills a timed-out invocation without warning; this ends and flushes its span first,
   * `margin` before the deadline (at most a fifth of the time budget). The timer is unref'd so it
   * never keeps an otherwise finished event loop alive.
   */
  private startGuard(): NodeJS.Timeout | undefined {
    const remaining = this.remainingMs();
    if (remaining === undefined || remaining <= 0) return undefined;
    const margin = guardMargin(remaining, this.telemetry.config.timeoutMarginMs);
    this.guardMarginMs = margin;
    const timer = setTimeout(() => {
      if (this.ended) return;
      this.end('timeout');
      this.guardFlush = this.telemetry.flush(margin, true);
    }, remaining - margin);
    timer.unref();
    return timer;
  }

  private remainingMs(): number | undefined {
    try {
      const remaining = this.lambdaContext.getRemainingTimeInMillis();
      return Number.isFinite(remaining) ? remaining : undefined;
    } catch {
      return undefined;
    }
  }
}

function recordError(span: Span, error: unknown): void {
  const message = errorMessageOf(error);
  span.recordException(error instanceof Error || typeof error === 'string' ? error : { message });
  span.setAttribute(ATTR_ERROR_TYPE, errorTypeOf(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

/** `{method} {route}` for HTTP triggers with a route (HTTP semantic conventions), else the function name. */
function spanName(attributes: Record<string, unknown>, functionName: string | undefined): string {
  const method = attributes['http.request.method'];
  const route = attributes['http.route'];
  if (typeof method === 'string' && typeof route === 'string') return `${method} ${route}`;
  return functionName ?? 'lambda invocation';
}

let lastArn: {
  arn: string | undefined;
  version: string | undefined;
  accountId?: string;
  resourceId?: string;
} = {
  arn: undefined,
  version: undefined,
};

/**
 * The account and the function's ARN with the invoked alias replaced by the version that ran, as
 * the semantic conventions ask (one environment serves several aliases); unqualified for
 * `$LATEST`. Every invocation of an environment has the same ARN: the last one is kept.
 */
function arnAttributes(arn: string | undefined, version: string | undefined) {
  if (arn === lastArn.arn && version === lastArn.version) return lastArn;
  const parts = arn?.split(':') ?? [];
  const base = parts.length >= 7 ? parts.slice(0, 7).join(':') : arn;
  lastArn = {
    arn,
    version,
    accountId: parts[4] || undefined,
    resourceId:
      base === undefined || version === undefined || version === '$LATEST' ? base : `${base}:${version}`,
  };
  return lastArn;
}

/**
 * Runs a user-supplied hook, or a step of our own on the customer's values: what it throws, or
 * rejects with when it returns a promise (an async hook), is logged, never passed on.
 */
function guarded(name: string, step: () => unknown): void {
  try {
    const returned = step();
    if (isThenable(returned))
      returned.then(undefined, (error: unknown) => log.warn(`${name} rejected: ${describe(error)}`));
  } catch (error) {
    log.warn(`${name} threw: ${describe(error)}`);
  }
}
