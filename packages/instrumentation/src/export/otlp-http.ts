import type { Agent, ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import type { ExportTarget } from '../config/config.js';
import { describe as describeError } from '../log.js';
import { VERSION } from '../version.js';

const CONTENT_TYPE = { 'http/protobuf': 'application/x-protobuf', 'http/json': 'application/json' };
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const RETRY_DELAY_MS = 50;
const USER_AGENT = `firefly-instrumentation/${VERSION}`;

export interface PostOutcome {
  ok: boolean;
  /** Whether a request went out at all (not when the deadline had already passed). */
  sent: boolean;
  /** The HTTP status of the last attempt, or 0 when no response came. */
  status: number;
  /**
   * The last attempt got no answer within a wait the deadline made shorter than the target's
   * timeout: the deadline's doing, perhaps, more than the endpoint's.
   */
  cutShort: boolean;
  /** Why it failed, for the log. */
  reason: string;
}

/** How one attempt ended: also whether a kept-alive connection turned out dead, or it timed out. */
interface Attempt extends Omit<PostOutcome, 'cutShort'> {
  staleSocket: boolean;
  timedOut: boolean;
}

/** What a peer that closed an idle kept-alive connection looks like to the next request on it. */
const STALE_SOCKET_ERRORS = new Set(['ECONNRESET', 'EPIPE']);

type Transport = {
  request(options: RequestOptions, callback: (response: IncomingMessage) => void): ClientRequest;
  Agent: new (options: { keepAlive: boolean; maxSockets: number }) => Agent;
};

/**
 * POSTs OTLP payloads over keep-alive connections, so a warm function pays one round trip per
 * export and no TCP or TLS handshake. Keep-alive sockets can be dead after the environment was
 * frozen for a while: a request on a reused socket that the peer reset (ECONNRESET, EPIPE) is sent
 * again at once on a new one — never one that timed out, which would double the wait for a slow
 * endpoint. Throttling and gateway errors get one more try if the deadline allows.
 */
export class OtlpHttpClient {
  private readonly transports = new Map<string, Promise<{ transport: Transport; agent: Agent }>>();

  private readonly requests = new WeakMap<ExportTarget, RequestOptions>();

  /** Sends `body` (encoded, and compressed if the target says so) to `target` before `deadline`. */
  async post(target: ExportTarget, body: Uint8Array, deadline: number): Promise<PostOutcome> {
    const { transport, agent } = await this.transport(target.url.protocol);
    const base = this.requestOptions(target, agent);
    const options = { ...base, headers: { ...base.headers, 'content-length': String(body.byteLength) } };
    let outcome: PostOutcome = { ok: false, sent: false, status: 0, reason: 'not sent', cutShort: false };
    for (let attempt = 0; attempt < 2; attempt++) {
      const budget = Math.min(target.timeoutMs, deadline - performance.now());
      if (budget <= 0) return { ...outcome, reason: `${outcome.reason}; no time left to export` };
      const { staleSocket, timedOut, ...result } = await send(transport, options, target.url, body, budget);
      outcome = { ...result, cutShort: timedOut && budget < target.timeoutMs };
      if (outcome.ok) return outcome;
      if (!staleSocket && !RETRYABLE_STATUS.has(outcome.status)) return outcome;
      if (!staleSocket) await sleep(Math.min(RETRY_DELAY_MS, deadline - performance.now()));
    }
    return outcome;
  }

  /** What every request to `target` shares, worked out once (URL parsing is not free). */
  private requestOptions(target: ExportTarget, agent: Agent): RequestOptions {
    let options = this.requests.get(target);
    if (options === undefined) {
      const { url } = target;
      const headers: Record<string, string> = {
        'user-agent': USER_AGENT,
        ...target.headers,
        'content-type': CONTENT_TYPE[target.protocol],
      };
      if (target.compression === 'gzip') headers['content-encoding'] = 'gzip';
      options = {
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port,
        path: `${url.pathname}${url.search}`,
        auth: url.username
          ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
          : undefined,
        agent,
        headers,
      };
      this.requests.set(target, options);
    }
    return options;
  }

  private transport(protocol: string): Promise<{ transport: Transport; agent: Agent }> {
    let loaded = this.transports.get(protocol);
    if (loaded === undefined) {
      // node:https (and TLS with it) is loaded only for https endpoints.
      loaded = (protocol === 'https:' ? import('node:https') : import('node:http')).then((module) => {
        const transport = module as unknown as Transport;
        return { transport, agent: new transport.Agent({ keepAlive: true, maxSockets: 4 }) };
      });
      this.transports.set(protocol, loaded);
    }
    return loaded;
  }
}

function send(
  transport: Transport,
  options: RequestOptions,
  url: URL,
  body: Uint8Array,
  timeoutMs: number,
): Promise<Attempt> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: Omit<Attempt, 'sent'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...outcome, sent: true });
    };
    const request = transport.request(options, (response) => {
      const status = response.statusCode ?? 0;
      response.on('error', (error) =>
        finish({ ok: false, status, reason: describeError(error), staleSocket: false, timedOut: false }),
      );
      response.on('end', () =>
        finish({
          ok: status >= 200 && status < 300,
          status,
          reason: `${url.href} answered ${status}`,
          staleSocket: false,
          timedOut: false,
        }),
      );
      response.resume();
    });
    // Settled first, so the error the destroyed request then emits is not taken for a stale socket.
    const timer = setTimeout(() => {
      finish({
        ok: false,
        status: 0,
        reason: `no answer from ${url.href} within ${Math.round(timeoutMs)} ms`,
        staleSocket: false,
        timedOut: true,
      });
      request.destroy();
    }, timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) =>
      finish({
        ok: false,
        status: 0,
        reason: describeError(error),
        staleSocket: request.reusedSocket && STALE_SOCKET_ERRORS.has(error.code ?? ''),
        timedOut: false,
      }),
    );
    request.end(body);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
