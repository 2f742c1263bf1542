import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ReceiverName } from '../telemetry/metrics.js';
import { type ReceiverError, toReceiverError } from './errors.js';
import { redactedHeaders } from './secret-headers.js';

export interface ErrorBody {
  contentType: string;
  body: string | Buffer;
}

export interface ReceiverResponsesOptions {
  receiver: ReceiverName;
  bodyLimitBytes: number;
  /** The error in the receiver's protocol (an OTLP Status, Firehose's JSON, plain text…). */
  render: (error: ReceiverError, request: FastifyRequest) => ErrorBody;
  /** The status to answer; the catalogue's by default. */
  statusOf?: (error: ReceiverError) => number;
}

/**
 * Installs a receiver's error handler and counts its answers by status. Registered inside the
 * receiver's encapsulated plugin, so each receiver answers errors in its own protocol.
 */
export function receiverResponses(fastify: FastifyInstance, options: ReceiverResponsesOptions): void {
  const { receiver, bodyLimitBytes, render, statusOf = (error) => error.status } = options;
  const { requests } = fastify.collectorMetrics;

  fastify.setErrorHandler((thrown, request, reply) => {
    const error = toReceiverError(thrown, bodyLimitBytes);
    const status = statusOf(error);
    const fields = { receiver, code: error.code, status, headers: redactedHeaders(request.headers) };
    if (status >= 500) {
      // Unexpected errors keep their stack in the log; the sender only sees the catalogue message.
      request.log[error.code === 'INTERNAL' ? 'error' : 'warn']({ ...fields, err: thrown }, error.message);
    } else {
      request.log.info(fields, error.message);
    }
    if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
    const { contentType, body } = render(error, request);
    return reply.code(status).type(contentType).send(body);
  });

  fastify.addHook('onResponse', async (_request, reply) => {
    requests.inc({ receiver, status: String(reply.statusCode) });
  });
}
