import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Timeline } from './timeline.js';

/**
 * A local implementation of the documented Lambda Runtime API (2018-06-01) and Extensions API
 * (2020-01-01) — AWS itself, the one thing tests may stand in for. It follows the documented
 * lifecycle: an invocation is delivered to the runtime and to every extension registered for
 * INVOKE only when the runtime and all extensions are waiting on `next`; the environment is
 * frozen once they all are and nothing is queued (the `freeze`/`thaw` hooks can stop and continue
 * the process for real); extensions may register only until the runtime first asks for `next`.
 */
export interface RuntimeApiOptions {
  timeline: Timeline;
  functionName?: string;
  functionVersion?: string;
  handler?: string;
  accountId?: string;
  region?: string;
  /** Called when the environment freezes (runtime and extensions idle, nothing queued). */
  freeze?: () => void;
  /** Called before an invocation is delivered to a frozen environment. */
  thaw?: () => void;
  /** Called when an invocation times out: Lambda then resets the environment. */
  onTimeout?: () => void;
  /** Delays answering extension registrations (to provoke a late registration). */
  registrationDelayMs?: number;
  /**
   * Names of extensions that run as their own processes (registered from the test): they may
   * register for SHUTDOWN. Every other extension is internal, in the runtime process.
   */
  externalExtensions?: string[];
  /** Called after SHUTDOWN went to the extensions: Lambda then stops the runtime. */
  onShutdown?: () => void;
}

export interface InvokeOptions {
  /** Default 30 000. */
  timeoutMs?: number;
  requestId?: string;
  /** X-Ray header of the invocation (`Lambda-Runtime-Trace-Id`). */
  traceId?: string;
  /** The invoker's ClientContext, as the AWS SDK sends it. */
  clientContext?: Record<string, unknown>;
  invokedFunctionArn?: string;
}

interface Timing {
  requestId: string;
  /** performance.now() when the runtime got the event. */
  deliveredAt: number;
  /** performance.now() when the response (its last byte) or the error arrived. */
  answeredAt: number;
  /** answeredAt − deliveredAt: what the caller waits for beyond the handler itself. */
  latencyMs: number;
}

export type InvokeResult =
  | (Timing & {
      kind: 'response';
      body: Buffer;
      /** The handler call's duration the runtime client reports (RUNTIME_CLIENT_TIMING=1). */
      handlerMicroseconds: number | undefined;
      contentType: string | undefined;
      streamed: boolean;
      trailers: Record<string, string | undefined>;
    })
  | (Timing & { kind: 'error'; errorType: string; error: { errorType?: string; errorMessage?: string } })
  | { kind: 'timeout'; requestId: string }
  | { kind: 'exited'; requestId: string; detail: string }
  | { kind: 'init-error'; requestId: string; errorType: string; error: unknown };

interface Pending {
  requestId: string;
  event: unknown;
  options: InvokeOptions;
  deliveredAt: number;
  deadlineMs: number;
  answered: boolean;
  timer: NodeJS.Timeout | undefined;
  resolve: (result: InvokeResult) => void;
}

interface Extension {
  id: string;
  name: string;
  events: string[];
  waiting: ServerResponse | undefined;
  /** A SHUTDOWN event to give at the extension's next `next`. */
  shutdown?: Record<string, unknown>;
}

export class RuntimeApi {
  private readonly server: Server;
  private readonly queue: Pending[] = [];
  private current: Pending | undefined;
  private runtimeWaiting: ServerResponse | undefined;
  private readonly extensions = new Map<string, Extension>();
  private initDone = false;
  private frozen = false;
  private dead = false;
  private initError: { errorType: string; error: unknown } | undefined;
  private frozenWaiters: (() => void)[] = [];
  /** Registration attempts, accepted or not. */
  readonly registrations: { name: string; events: unknown; status: number }[] = [];

  private constructor(private readonly options: RuntimeApiOptions) {
    this.server = createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(error));
      });
    });
    this.server.keepAliveTimeout = 60_000;
  }

  static async start(options: RuntimeApiOptions): Promise<RuntimeApi> {
    const api = new RuntimeApi(options);
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  /** `host:port`, the value of `AWS_LAMBDA_RUNTIME_API`. */
  get address(): string {
    const { port } = this.server.address() as AddressInfo;
    return `127.0.0.1:${port}`;
  }

  get registeredExtensions(): string[] {
    return [...this.extensions.values()].map((extension) => extension.name);
  }

  invoke(event: unknown, options: InvokeOptions = {}): Promise<InvokeResult> {
    const requestId = options.requestId ?? randomUUID();
    if (this.initError) return Promise.resolve({ kind: 'init-error', requestId, ...this.initError });
    if (this.dead) return Promise.reject(new Error('the environment is gone (timed out or exited)'));
    return new Promise((resolve) => {
      this.queue.push({
        requestId,
        event,
        options,
        deliveredAt: 0,
        deadlineMs: 0,
        answered: false,
        timer: undefined,
        resolve,
      });
      this.pump();
    });
  }

  /**
   * The Shutdown phase: a SHUTDOWN event to every extension registered for it (now if it waits,
   * else at its next `next`), then the runtime is stopped (`onShutdown`).
   */
  shutdown(reason: 'spindown' | 'timeout' | 'failure' = 'spindown', deadlineMs = Date.now() + 2000): void {
    this.dead = true;
    this.options.timeline.record('shutdown', undefined, { reason });
    const event = { eventType: 'SHUTDOWN', shutdownReason: reason, deadlineMs };
    for (const extension of this.extensions.values()) {
      if (!extension.events.includes('SHUTDOWN')) continue;
      if (extension.waiting) {
        json(extension.waiting, 200, event);
        extension.waiting = undefined;
      } else {
        extension.shutdown = event;
      }
    }
    this.options.onShutdown?.();
  }

  /** The runtime process died: what was waiting for it fails instead of hanging. */
  processExited(detail: string): void {
    this.dead = true;
    const waiting = [
      ...(this.current && !this.current.answered ? [this.current] : []),
      ...this.queue.splice(0),
    ];
    for (const pending of waiting) {
      pending.answered = true;
      clearTimeout(pending.timer);
      pending.resolve({ kind: 'exited', requestId: pending.requestId, detail });
    }
    for (const resolve of this.frozenWaiters.splice(0)) resolve();
  }

  /** Resolves once the environment is frozen: runtime and extensions idle, nothing queued. */
  whenFrozen(): Promise<void> {
    if (this.frozen) return Promise.resolve();
    return new Promise((resolve) => this.frozenWaiters.push(resolve));
  }

  async close(): Promise<void> {
    for (const pending of [this.current, ...this.queue]) if (pending?.timer) clearTimeout(pending.timer);
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '';
    if (req.method === 'GET' && url === '/2018-06-01/runtime/invocation/next') return this.runtimeNext(res);
    const answer = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
    if (req.method === 'POST' && answer)
      return this.answer(req, res, answer[1] as string, answer[2] as string);
    if (req.method === 'POST' && url === '/2018-06-01/runtime/init/error')
      return this.runtimeInitError(req, res);
    if (req.method === 'POST' && url === '/2020-01-01/extension/register') return this.register(req, res);
    if (req.method === 'GET' && url === '/2020-01-01/extension/event/next')
      return this.extensionNext(req, res);
    if (req.method === 'POST' && /^\/2020-01-01\/extension\/(init|exit)\/error$/.test(url)) {
      await readBody(req);
      return json(res, 202, { status: 'OK' });
    }
    json(res, 404, { errorMessage: `no route ${req.method} ${url}`, errorType: 'NotFound' });
  }

  private runtimeNext(res: ServerResponse): void {
    this.options.timeline.record('runtime-next', this.current?.requestId);
    this.initDone = true;
    this.runtimeWaiting = res;
    this.pump();
  }

  private async answer(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    kind: string,
  ): Promise<void> {
    const pending = this.current;
    if (pending === undefined || pending.requestId !== requestId || pending.answered) {
      await readBody(req);
      return json(res, 400, {
        errorMessage: `invalid request id ${requestId}`,
        errorType: 'InvalidRequestID',
      });
    }
    pending.answered = true;
    const timing = () => {
      const answeredAt = performance.now();
      clearTimeout(pending.timer);
      return {
        requestId,
        deliveredAt: pending.deliveredAt,
        answeredAt,
        latencyMs: answeredAt - pending.deliveredAt,
      };
    };
    if (kind === 'error') {
      const body = await readBody(req);
      const result = timing();
      this.options.timeline.record('error', requestId);
      json(res, 202, { status: 'OK' });
      const error = parse(body) as { errorType?: string };
      const errorType =
        headerValue(req, 'lambda-runtime-function-error-type') ?? error.errorType ?? 'Unknown';
      return pending.resolve({ kind: 'error', ...result, errorType, error });
    }
    const streamed = headerValue(req, 'lambda-runtime-function-response-mode') === 'streaming';
    const body = await readBody(req, () => this.options.timeline.record('response-first-byte', requestId));
    const result = timing();
    this.options.timeline.record('response', requestId);
    json(res, 202, { status: 'OK' });
    pending.resolve({
      kind: 'response',
      ...result,
      body,
      handlerMicroseconds:
        headerValue(req, 'x-handler-microseconds') === undefined
          ? undefined
          : Number(headerValue(req, 'x-handler-microseconds')),
      streamed,
      contentType: headerValue(req, 'content-type'),
      trailers: {
        errorType: req.trailers['lambda-runtime-function-error-type'],
        errorBody: req.trailers['lambda-runtime-function-error-body'],
      },
    });
  }

  private async runtimeInitError(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const error = parse(await readBody(req));
    const errorType = headerValue(req, 'lambda-runtime-function-error-type') ?? 'Unknown';
    this.initError = { errorType, error };
    this.options.timeline.record('init-error', undefined, { errorType });
    json(res, 202, { status: 'OK' });
    for (const pending of this.queue.splice(0))
      pending.resolve({ kind: 'init-error', requestId: pending.requestId, errorType, error });
  }

  private async register(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const name = headerValue(req, 'lambda-extension-name');
    const body = parse(await readBody(req)) as { events?: unknown };
    if (this.options.registrationDelayMs)
      await new Promise((r) => setTimeout(r, this.options.registrationDelayMs));
    const events = Array.isArray(body.events) ? body.events.map(String) : [];
    const refuse = (status: number, errorType: string, errorMessage: string) => {
      this.registrations.push({ name: name ?? '', events: body.events, status });
      json(res, status, { errorType, errorMessage });
    };
    // The runtime's first `next` ends the Init phase: too late to register after it.
    if (this.initDone)
      return refuse(403, 'Extension.RegistrationClosed', 'registration is closed after Init');
    if (!name) return refuse(400, 'Extension.MissingName', 'Lambda-Extension-Name is required');
    // Internal extensions are started and stopped by the runtime: they may not register for SHUTDOWN.
    if (events.includes('SHUTDOWN') && !this.options.externalExtensions?.includes(name))
      return refuse(400, 'Extension.InvalidEvent', 'internal extensions cannot register for SHUTDOWN');
    if (events.some((event) => event !== 'INVOKE' && event !== 'SHUTDOWN'))
      return refuse(400, 'Extension.InvalidEvent', `unknown events ${events}`);
    const id = randomUUID();
    this.extensions.set(id, { id, name, events, waiting: undefined });
    this.registrations.push({ name, events: body.events, status: 200 });
    this.options.timeline.record('extension-register', undefined, { name });
    const accountId = headerValue(req, 'lambda-extension-accept-feature')?.includes('accountId')
      ? { accountId: this.options.accountId ?? '123456789012' }
      : {};
    res.setHeader('Lambda-Extension-Identifier', id);
    json(res, 200, {
      functionName: this.options.functionName ?? 'test-function',
      functionVersion: this.options.functionVersion ?? '$LATEST',
      handler: this.options.handler ?? 'index.handler',
      ...accountId,
    });
  }

  private extensionNext(req: IncomingMessage, res: ServerResponse): void {
    const id = headerValue(req, 'lambda-extension-identifier');
    const extension = id === undefined ? undefined : this.extensions.get(id);
    if (extension === undefined) {
      json(res, 403, { errorType: 'Extension.Unknown', errorMessage: 'unknown extension' });
      return;
    }
    this.options.timeline.record('extension-next', this.current?.requestId, { name: extension.name });
    if (extension.shutdown) {
      json(res, 200, extension.shutdown);
      extension.shutdown = undefined;
      return;
    }
    extension.waiting = res;
    this.pump();
  }

  private everyoneWaiting(): boolean {
    if (this.runtimeWaiting === undefined) return false;
    for (const extension of this.extensions.values()) if (extension.waiting === undefined) return false;
    return true;
  }

  /** Ends the invocation phase, delivers the next invocation, or freezes — as the lifecycle allows. */
  private pump(): void {
    if (this.dead || !this.everyoneWaiting()) return;
    if (this.current !== undefined) {
      if (!this.current.answered) return;
      this.current = undefined;
    }
    const next = this.queue.shift();
    if (next === undefined) {
      if (!this.frozen) {
        this.frozen = true;
        this.options.timeline.record('frozen');
        this.options.freeze?.();
        for (const resolve of this.frozenWaiters.splice(0)) resolve();
      }
      return;
    }
    if (this.frozen) {
      this.frozen = false;
      this.options.thaw?.();
      this.options.timeline.record('thawed');
    }
    this.deliver(next);
  }

  private deliver(pending: Pending): void {
    const { options } = pending;
    const timeoutMs = options.timeoutMs ?? 30_000;
    this.current = pending;
    pending.deadlineMs = Date.now() + timeoutMs;
    pending.deliveredAt = performance.now();
    const arn =
      options.invokedFunctionArn ??
      `arn:aws:lambda:${this.options.region ?? 'eu-west-1'}:${this.options.accountId ?? '123456789012'}:function:${this.options.functionName ?? 'test-function'}`;
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'Lambda-Runtime-Aws-Request-Id': pending.requestId,
      'Lambda-Runtime-Deadline-Ms': String(pending.deadlineMs),
      'Lambda-Runtime-Invoked-Function-Arn': arn,
    };
    if (options.traceId) headers['Lambda-Runtime-Trace-Id'] = options.traceId;
    if (options.clientContext)
      headers['Lambda-Runtime-Client-Context'] = JSON.stringify(options.clientContext);
    const runtime = this.runtimeWaiting as ServerResponse;
    this.runtimeWaiting = undefined;
    this.options.timeline.record('invoke', pending.requestId);
    runtime.writeHead(200, headers).end(JSON.stringify(pending.event));
    for (const extension of this.extensions.values()) {
      const waiting = extension.waiting as ServerResponse;
      if (!extension.events.includes('INVOKE')) continue;
      extension.waiting = undefined;
      const event: Record<string, unknown> = {
        eventType: 'INVOKE',
        deadlineMs: pending.deadlineMs,
        requestId: pending.requestId,
        invokedFunctionArn: arn,
      };
      if (options.traceId) event.tracing = { type: 'X-Amzn-Trace-Id', value: options.traceId };
      waiting.setHeader('Lambda-Extension-Event-Identifier', randomUUID());
      json(waiting, 200, event);
    }
    pending.timer = setTimeout(() => this.timeOut(pending), timeoutMs);
  }

  private timeOut(pending: Pending): void {
    if (pending.answered) return;
    pending.answered = true;
    this.dead = true;
    this.options.timeline.record('timeout', pending.requestId);
    this.options.onTimeout?.();
    pending.resolve({ kind: 'timeout', requestId: pending.requestId });
  }
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(req: IncomingMessage, onFirstChunk?: () => void): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      if (chunks.length === 0) onFirstChunk?.();
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parse(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString());
  } catch {
    return {};
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res
    .writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) })
    .end(text);
}
