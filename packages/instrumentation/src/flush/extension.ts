import type { Agent, IncomingMessage } from 'node:http';
import { describe, log } from '../log.js';

/** The name Lambda lists the extension under (internal extensions need not match a file). */
export const EXTENSION_NAME = 'firefly-instrumentation';
const API_VERSION = '2020-01-01';
const NEXT_RETRIES = 3;

export interface InvokeEvent {
  eventType: 'INVOKE';
  requestId: string;
  /** Epoch milliseconds. */
  deadlineMs: number;
  invokedFunctionArn?: string;
}

type ExtensionEvent = InvokeEvent | { eventType: 'SHUTDOWN'; deadlineMs: number };

interface Response {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * An internal Lambda extension, in the runtime process: registered for INVOKE events only
 * (internal extensions may not register for SHUTDOWN). Lambda freezes the environment only once
 * the runtime and every extension have asked for their next event, so holding back this
 * extension's `next` request is what gives the flush time after the response went out.
 */
export class InternalExtension {
  private constructor(
    private readonly http: typeof import('node:http'),
    private readonly agent: Agent,
    private readonly runtimeApi: string,
    private readonly id: string,
  ) {}

  /** Registers with the Extensions API; undefined (and a warning) when Lambda refuses. */
  static async register(runtimeApi: string): Promise<InternalExtension | undefined> {
    const http = await import('node:http');
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const response = await request(http, agent, runtimeApi, 'POST', `/${API_VERSION}/extension/register`, {
        headers: { 'Lambda-Extension-Name': EXTENSION_NAME, 'Content-Type': 'application/json' },
        body: JSON.stringify({ events: ['INVOKE'] }),
      });
      const id = response.headers['lambda-extension-identifier'];
      if (response.status === 200 && typeof id === 'string' && id !== '') {
        return new InternalExtension(http, agent, runtimeApi, id);
      }
      log.warn(
        `the Extensions API refused to register ${EXTENSION_NAME} (${response.status} ${response.body.slice(0, 200)}); flushing in sync mode`,
      );
    } catch (error) {
      log.warn(`could not register ${EXTENSION_NAME}: ${describe(error)}; flushing in sync mode`);
    }
    agent.destroy();
    return undefined;
  }

  /**
   * Polls for events forever, awaiting `onInvoke` before asking for the next one. Resolves if the
   * Extensions API stops answering (the caller falls back to sync flushing).
   */
  async run(onInvoke: (event: InvokeEvent) => Promise<void>): Promise<void> {
    for (;;) {
      const event = await this.next();
      if (event === undefined || event.eventType === 'SHUTDOWN') return;
      try {
        await onInvoke(event);
      } catch (error) {
        log.warn(`flush after invocation ${event.requestId} failed: ${describe(error)}`);
      }
    }
  }

  private async next(): Promise<ExtensionEvent | undefined> {
    let failure = '';
    for (let attempt = 0; attempt < NEXT_RETRIES; attempt++) {
      try {
        const response = await request(
          this.http,
          this.agent,
          this.runtimeApi,
          'GET',
          `/${API_VERSION}/extension/event/next`,
          {
            headers: { 'Lambda-Extension-Identifier': this.id },
            // The long poll must not keep the event loop alive: the runtime's own poll does that,
            // and callback handlers rely on the loop emptying.
            unref: true,
          },
        );
        if (response.status === 200) return JSON.parse(response.body) as ExtensionEvent;
        failure = `${response.status} ${response.body.slice(0, 200)}`;
        if (response.status === 403 || response.status === 500) break;
      } catch (error) {
        failure = describe(error);
      }
    }
    log.warn(
      `the Extensions API did not give ${EXTENSION_NAME} its next event (${failure}); flushing in sync mode`,
    );
    return undefined;
  }
}

function request(
  http: typeof import('node:http'),
  agent: Agent,
  runtimeApi: string,
  method: string,
  path: string,
  options: { headers: Record<string, string>; body?: string; unref?: boolean },
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `http://${runtimeApi}${path}`,
      { method, agent, headers: options.headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    if (options.unref) req.on('socket', (socket) => socket.unref());
    req.on('error', reject);
    req.end(options.body);
  });
}
