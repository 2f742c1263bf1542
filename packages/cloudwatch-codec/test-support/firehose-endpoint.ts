// The README's usage example, kept here so a test runs it against real HTTP.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SummaryPoint } from '@firefly/model';
import {
  accessKeyMatches,
  decodeFirehoseRequest,
  decodeMetricStream,
  encodeFirehoseResponse,
  FirehoseError,
  MAX_FIREHOSE_BODY_BYTES,
  type MetricStreamFormat,
} from '../src/index.js';

export interface EndpointOptions {
  accessKey: string;
  format: MetricStreamFormat;
  onPoints(points: SummaryPoint[], rejected: number, errorMessage: string): void;
}

export function firehoseEndpoint({ accessKey, format, onPoints }: EndpointOptions) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const requestId = String(req.headers['x-amz-firehose-request-id'] ?? '');
    let status = 200;
    let errorMessage: string | undefined;
    try {
      const request = await decodeFirehoseRequest(req.headers, await readBody(req));
      if (!accessKeyMatches(request.accessKey, accessKey)) {
        status = 401;
        errorMessage = 'X-Amz-Firehose-Access-Key is not a valid key';
      } else {
        const decoded = decodeMetricStream(request.records, format);
        onPoints(decoded.points, decoded.rejected, decoded.errorMessage);
      }
    } catch (error) {
      if (!(error instanceof FirehoseError)) throw error;
      status = error.statusCode;
      errorMessage = error.message;
    }
    const body = encodeFirehoseResponse({ requestId, errorMessage });
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
}

/** The body, refused beyond Firehose's 64 MiB before it is all in memory. */
async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FIREHOSE_BODY_BYTES)
      throw new FirehoseError(
        'PAYLOAD_TOO_LARGE',
        `the body is larger than ${MAX_FIREHOSE_BODY_BYTES} bytes`,
      );
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
