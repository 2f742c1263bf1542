import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  createServer as createHttp2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
} from 'node:http2';
import type { AddressInfo } from 'node:net';

/** A request as it reached the wire. */
export interface CapturedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface CannedResponse {
  status?: number;
  headers?: Record<string, string>;
  body: string;
}

export interface AwsEndpoint {
  url: string;
  requests: CapturedRequest[];
  close(): Promise<void>;
}

/**
 * A local HTTP server standing in for an AWS service endpoint (AWS itself is the one thing a test
 * may fake): records every request and answers with `respond`'s canned response. `http2` for the
 * clients whose default handler speaks only HTTP/2 (Kinesis).
 */
export async function startAwsEndpoint(
  respond: (request: CapturedRequest) => CannedResponse,
  { http2 = false } = {},
): Promise<AwsEndpoint> {
  const requests: CapturedRequest[] = [];
  const handle = async (
    req: IncomingMessage | Http2ServerRequest,
    res: ServerResponse | Http2ServerResponse,
  ): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    requests.push(request);
    const response = respond(request);
    res.writeHead(response.status ?? 200, { 'x-amzn-requestid': 'test-request', ...response.headers });
    res.end(response.body);
  };
  const server = http2 ? createHttp2Server(handle) : createServer(handle);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Client configuration pointing an AWS SDK v3 client at `url`, without retries. */
export function clientConfig(url: string) {
  return {
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    maxAttempts: 1,
  };
}

/** The AWS query protocol's form body (SNS) as nested objects: `A.entry.1.Name=x` → `{ A: { entry: { 1: { Name: 'x' } } } }`. */
export function parseQueryBody(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [path, value] of new URLSearchParams(body)) {
    const keys = path.split('.');
    let node = root;
    for (const key of keys.slice(0, -1)) {
      node[key] ??= {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys.at(-1) as string] = value;
  }
  return root;
}

/** `{ entry: { 1: { Name, Value: { DataType, StringValue } } } }` → `{ [Name]: StringValue }`. */
export function queryMessageAttributes(attributes: unknown): Record<string, string> {
  const entries = (attributes as { entry?: Record<string, { Name: string; Value: { StringValue: string } }> })
    ?.entry;
  return Object.fromEntries(
    Object.values(entries ?? {}).map((entry) => [entry.Name, entry.Value.StringValue]),
  );
}
