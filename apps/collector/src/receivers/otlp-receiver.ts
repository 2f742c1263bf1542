import {
  CONTENT_TYPES,
  decodeMetrics,
  decodeTraces,
  encodeResponse,
  encodeStatus,
  encodingOf,
  type OtlpEncoding,
} from '@firefly/otlp-codec';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { SignalName } from '../telemetry/metrics.js';
import { tokenAuth } from './auth.js';
import { acceptRawBodies, contentEncodingOf, decodedBody } from './body.js';
import { type OtlpReceiverOptions, otlpReceiverOptions, validate } from './config.js';
import type { ReceiverError } from './errors.js';
import { type ErrorBody, receiverResponses } from './responses.js';
import { refuseWhenPipelineRefuses, submitCounted } from './submit.js';

const PLUGIN = 'firefly-otlp-receiver';

/**
 * OTLP/HTTP: POST /v1/traces and /v1/metrics, protobuf or JSON, optionally gzipped. Answers 200 with
 * an export response in the request's encoding (with `partialSuccess` when the codec left items
 * out) once the pipeline has accepted the rest; 400 for a malformed body, 415 for another content
 * type or encoding, 413 over the body limit, 429/503 with Retry-After when the pipeline refuses.
 */
export const otlpReceiver = fp<OtlpReceiverOptions>(
  async (fastify, raw) => {
    const { bodyLimitBytes, auth } = validate(PLUGIN, otlpReceiverOptions, raw);
    const { pipeline, collectorMetrics: metrics } = fastify;
    acceptRawBodies(fastify, bodyLimitBytes);
    receiverResponses(fastify, { receiver: 'otlp', bodyLimitBytes, render: statusBody });
    await fastify.register(tokenAuth, auth);
    // After authentication, before the body is read: a refused request costs no decoding.
    fastify.addHook('onRequest', refuseWhenPipelineRefuses(pipeline));

    // Refuse what cannot be decoded before reading the body.
    const route = {
      onRequest: async (request: FastifyRequest) => {
        encodingOf(request.headers['content-type']);
        contentEncodingOf(request);
      },
    };

    fastify.post('/v1/traces', route, async (request, reply) => {
      const encoding = encodingOf(request.headers['content-type']);
      const decoded = decodeTraces(await decodedBody(request, bodyLimitBytes), encoding);
      const counts = { items: decoded.spans.length, invalid: decoded.rejectedSpans };
      await submitCounted(metrics, { receiver: 'otlp', signal: 'traces' }, counts, () =>
        pipeline.submitSpans(decoded.spans),
      );
      return exportResponse(request, reply, encoding, 'traces', decoded.rejectedSpans, decoded.errorMessage);
    });

    fastify.post('/v1/metrics', route, async (request, reply) => {
      const encoding = encodingOf(request.headers['content-type']);
      const decoded = decodeMetrics(await decodedBody(request, bodyLimitBytes), encoding);
      const counts = { items: decoded.points.length, invalid: decoded.rejectedDataPoints };
      await submitCounted(metrics, { receiver: 'otlp', signal: 'metrics' }, counts, () =>
        pipeline.submitPoints(decoded.points),
      );
      return exportResponse(
        request,
        reply,
        encoding,
        'metrics',
        decoded.rejectedDataPoints,
        decoded.errorMessage,
      );
    });
  },
  { name: PLUGIN, fastify: '5.x', encapsulate: true, dependencies: ['firefly-server-context'] },
);

function exportResponse(
  request: FastifyRequest,
  reply: FastifyReply,
  encoding: OtlpEncoding,
  signal: SignalName,
  rejected: number,
  errorMessage: string,
): FastifyReply {
  if (rejected > 0)
    request.log.info({ receiver: 'otlp', signal, rejected }, `partial success: ${errorMessage}`);
  const body = encodeResponse({ rejected, errorMessage }, signal, encoding);
  return reply
    .code(200)
    .type(CONTENT_TYPES[encoding])
    .send(typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
}

/**
 * The spec's error body: a google.rpc.Status in the request's encoding (JSON when the request's
 * content type was not even recognized).
 */
function statusBody(error: ReceiverError, request: FastifyRequest): ErrorBody {
  let encoding: OtlpEncoding = 'json';
  try {
    encoding = encodingOf(request.headers['content-type']);
  } catch {
    // 415: the sender's encoding is unknown, so it gets JSON.
  }
  const body = encodeStatus({ code: error.spec.grpcCode, message: error.message }, encoding);
  return {
    contentType: CONTENT_TYPES[encoding],
    body: typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength),
  };
}
