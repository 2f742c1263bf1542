import type { Tracer } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_CLOUD_ACCOUNT_ID } from '@opentelemetry/semantic-conventions/incubating';
import { type ResolvedConfig, resolveConfig, resolveLogLevel } from '../config/config.js';
import type { InstrumentationOptions } from '../config/options.js';
import { Flusher } from '../export/flusher.js';
import { OtlpHttpClient } from '../export/otlp-http.js';
import { SpanBuffer } from '../export/span-buffer.js';
import { SpanConverter } from '../export/to-model.js';
import { Completions } from '../flush/completions.js';
import type { InternalExtension, InvokeEvent } from '../flush/extension.js';
import { DEADLINE_RESERVE_MS, guardMargin } from '../invocation/budget.js';
import { ColdStart } from '../invocation/cold-start.js';
import { describe, log, setLogLevel } from '../log.js';
import { InvocationMetrics, nowUnixNano } from '../metrics/invocation-metrics.js';
import { SCOPE_NAME, VERSION } from '../version.js';
import { globalPropagator } from './propagation.js';
import { lambdaResource } from './resource.js';
import { samplerFrom } from './sampler.js';

/**
 * Everything one execution environment needs to trace invocations, set up once by the first
 * `wrap()`: the tracer provider, the span buffer, the invocation metrics and the flusher, and in
 * async mode the internal extension.
 */
export class Telemetry {
  readonly tracer: Tracer;
  readonly metrics: InvocationMetrics | undefined;
  readonly flusher: Flusher;
  readonly completions = new Completions();
  readonly coldStart: ColdStart;
  /** Settles when the flush mode is final (the extension registered or refused). */
  readonly ready: Promise<void>;
  private extensionActive = false;
  private readonly converter = new SpanConverter();
  private readonly resource: Resource;
  private accountIdNoted = false;

  constructor(
    readonly config: ResolvedConfig,
    readonly options: InstrumentationOptions,
  ) {
    const resource = lambdaResource(config, options.resourceAttributes);
    this.resource = resource;
    const converter = this.converter;
    const buffer = new SpanBuffer(() => this.flush(config.traces?.timeoutMs ?? 0));
    const provider = new NodeTracerProvider({
      resource,
      sampler: options.sampler ?? samplerFrom(config.samplerSetting),
      spanProcessors: config.traces ? [buffer] : [],
    });
    if (options.registerGlobals !== false)
      provider.register({ propagator: globalPropagator(config.propagators) });
    this.tracer = provider.getTracer(SCOPE_NAME, VERSION);
    if (options.registerGlobals === false)
      log.debug('globals not registered: child spans need this provider');
    const scope = converter.scope({ name: SCOPE_NAME, version: VERSION });
    this.metrics = config.metrics
      ? new InvocationMetrics(converter.resource(resource), scope, config.metricsTemporality, nowUnixNano())
      : undefined;
    this.flusher = new Flusher(
      {
        traces: config.traces ? { target: config.traces, buffer, converter } : undefined,
        metrics:
          config.metrics && this.metrics ? { target: config.metrics, source: this.metrics } : undefined,
      },
      new OtlpHttpClient(),
    );
    this.coldStart = new ColdStart(config.lambda.initializationType);
    this.ready = config.flushMode === 'async' ? this.startExtension() : Promise.resolve();
  }

  /** True when the extension flushes after the response; false means flush before it. */
  get flushesAfterResponse(): boolean {
    return this.extensionActive;
  }

  /**
   * Lambda tells a function its account only through each invocation's ARN: spans and metrics get
   * `cloud.account.id` on their resource from the first invocation (unless it was configured).
   */
  noteAccountId(accountId: string | undefined): void {
    if (this.accountIdNoted || accountId === undefined) return;
    this.accountIdNoted = true;
    this.converter.completeResource(this.resource, { [ATTR_CLOUD_ACCOUNT_ID]: accountId });
  }

  /**
   * Exports everything pending within `budgetMs`, never throwing. `cutByInvocation`: the budget is
   * what the invocation's deadline left (see `Flusher.flush`).
   */
  flush(budgetMs: number, cutByInvocation = false): Promise<void> {
    return this.flusher.flush(
      performance.now() + Math.max(0, budgetMs - DEADLINE_RESERVE_MS),
      cutByInvocation,
    );
  }

  private async startExtension(): Promise<void> {
    const runtimeApi = this.config.lambda.runtimeApi;
    if (runtimeApi === undefined) {
      log.warn(
        'FIREFLY_FLUSH_MODE=async needs the Lambda Extensions API (AWS_LAMBDA_RUNTIME_API); flushing in sync mode',
      );
      return;
    }
    try {
      // Loaded only in async mode.
      const { InternalExtension } = await import('../flush/extension.js');
      const extension = await InternalExtension.register(runtimeApi);
      if (extension === undefined) return;
      this.extensionActive = true;
      void this.runExtension(extension);
    } catch (error) {
      log.warn(`async flush unavailable: ${describe(error)}; flushing in sync mode`);
    }
  }

  private async runExtension(extension: InternalExtension): Promise<void> {
    await extension.run((event) => this.flushAfter(event));
    this.extensionActive = false;
  }

  /**
   * The extension's turn: once the invocation ended and its response went out, flush. An
   * invocation the wrapper never ends (its handler was not wrapped) is waited for only until the
   * timeout guard would act, so that the flush and the extension's next request still come before
   * Lambda's deadline.
   */
  private async flushAfter(event: InvokeEvent): Promise<void> {
    const remaining = () => event.deadlineMs - Date.now();
    const left = remaining();
    await this.completions.whenEnded(event.requestId, left - guardMargin(left, this.config.timeoutMarginMs));
    // One macrotask: the runtime posts the response in the same turn the handler's result settles.
    await new Promise((resolve) => setImmediate(resolve));
    await this.flush(remaining(), true);
  }
}

let current: Telemetry | undefined;

/**
 * The environment's telemetry, created by the first call; later options are ignored. Undefined
 * when the SDK is disabled.
 */
export function telemetryFor(options: InstrumentationOptions = {}): Telemetry | undefined {
  if (current) {
    const ignored = optionNames(options);
    if (ignored.length > 0)
      log.debug(`wrap(): telemetry already set up; options of this call ignored: ${ignored.join(', ')}`);
    return current;
  }
  setLogLevel(resolveLogLevel());
  const config = resolveConfig(options);
  if (config.disabled) return undefined;
  current = new Telemetry(config, options);
  return current;
}

/** The options actually given (set to something), for the messages that say they are ignored. */
export function optionNames(options: InstrumentationOptions | undefined): string[] {
  if (typeof options !== 'object' || options === null) return [];
  return Object.entries(options)
    .filter(([, value]) => value !== undefined)
    .map(([name]) => name);
}
