import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { MetricPoint, Span } from '@firefly/model';
import { CONTENT_TYPES, decodeMetrics, decodeTraces, encodeResponse, encodingOf } from '@firefly/otlp-codec';
import type { Timeline } from './timeline.js';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  encoding: 'protobuf' | 'json';
  gzip: boolean;
  bytes: number;
  spans: Span[];
  points: MetricPoint[];
}

/**
 * A local OTLP/HTTP endpoint: decodes what exporters POST to /v1/traces and /v1/metrics with
 * @firefly/otlp-codec and records it, and each arrival on the shared timeline.
 */
export class OtlpReceiver {
  readonly requests: ReceivedRequest[] = [];
  readonly spans: Span[] = [];
  readonly points: MetricPoint[] = [];
  /** Every request that arrived, refused ones included: its path and the status it was answered. */
  readonly arrivals: { path: string; status: number }[] = [];
  /** Answer with this status instead of 200 (the next `failNext` requests). */
  private failures: number[] = [];
  private waiters: (() => void)[] = [];
  private readonly server: Server;

  private constructor(private readonly timeline: Timeline | undefined) {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      let body = Buffer.concat(chunks);
      const gzip = req.headers['content-encoding'] === 'gzip';
      if (gzip) body = gunzipSync(body);
      const encoding = encodingOf(req.headers['content-type']);
      const path = req.url ?? '';
      const failure = this.failures.shift();
      this.arrivals.push({ path, status: failure ?? 200 });
      if (failure !== undefined) {
        res.writeHead(failure).end();
        return;
      }
      const request: ReceivedRequest = {
        path,
        headers: req.headers,
        encoding,
        gzip,
        bytes: body.length,
        spans: [],
        points: [],
      };
      if (path.endsWith('traces')) {
        request.spans = decodeTraces(body, encoding).spans;
        this.spans.push(...request.spans);
        this.timeline?.record('traces', undefined, { count: request.spans.length });
      } else if (path.endsWith('metrics')) {
        request.points = decodeMetrics(body, encoding).points;
        this.points.push(...request.points);
        this.timeline?.record('metrics', undefined, { count: request.points.length });
      }
      this.requests.push(request);
      res.writeHead(200, { 'content-type': CONTENT_TYPES[encoding] });
      res.end(
        encodeResponse(
          { rejected: 0, errorMessage: '' },
          path.endsWith('metrics') ? 'metrics' : 'traces',
          encoding,
        ),
      );
      for (const waiter of this.waiters.splice(0)) waiter();
    });
  }

  static async start(timeline?: Timeline): Promise<OtlpReceiver> {
    const receiver = new OtlpReceiver(timeline);
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** The next requests get these statuses (then 200 again). */
  failNext(...statuses: number[]): void {
    this.failures.push(...statuses);
  }

  /** Resolves once `predicate` holds, re-checked after every request and every 20 ms; rejects after `timeoutMs`. */
  async until(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error('the OTLP endpoint did not receive what was expected in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 20));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  spansOf(requestId: string): Span[] {
    return this.spans.filter((span) => span.attributes['faas.invocation.id'] === requestId);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
