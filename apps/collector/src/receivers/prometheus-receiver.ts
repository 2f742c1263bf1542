import { decodeRemoteWrite } from '@firefly/prometheus-codec';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { tokenAuth } from './auth.js';
import { acceptRawBodies, rawBody } from './body.js';
import { type PrometheusReceiverOptions, prometheusReceiverOptions, validate } from './config.js';
import { ReceiverError } from './errors.js';
import { MetadataMemory } from './prometheus-metadata.js';
import { type ErrorBody, receiverResponses } from './responses.js';
import { refuseWhenPipelineRefuses, submitCounted } from './submit.js';

const PLUGIN = 'firefly-prometheus-receiver';

/**
 * Prometheus remote write 1.0: a snappy block around a protobuf WriteRequest (the codec handles
 * both). 204 when every series was stored; 400 naming what was wrong when the body, or some
 * series, are invalid — the valid series of the request are stored first, and senders do not
 * retry 4xx; 503 with Retry-After when the pipeline refuses, saturation included, because remote
 * write senders retry 5xx but not necessarily 429.
 */
export const prometheusReceiver = fp<PrometheusReceiverOptions>(
  async (fastify, raw) => {
    const { path, bodyLimitBytes, auth, metadataFamilies } = validate(PLUGIN, prometheusReceiverOptions, raw);
    const { pipeline, collectorMetrics: metrics } = fastify;
    const metadata = new MetadataMemory(metadataFamilies);
    acceptRawBodies(fastify, bodyLimitBytes);
    receiverResponses(fastify, {
      receiver: 'prometheus',
      bodyLimitBytes,
      render: textBody,
      statusOf: (error) => (error.code === 'SATURATED' ? 503 : error.status),
    });
    await fastify.register(tokenAuth, auth);
    // After authentication, before the body is read: a refused request costs no decoding.
    fastify.addHook('onRequest', refuseWhenPipelineRefuses(pipeline));

    fastify.post(path, { onRequest: checkHeaders }, async (request, reply) => {
      const decoded = decodeRemoteWrite(rawBody(request), {
        metadata: metadata.known,
        maxDecodedBytes: bodyLimitBytes,
      });
      metadata.remember(decoded.metadata);
      const counts = { items: decoded.points.length, invalid: decoded.rejectedSamples };
      await submitCounted(metrics, { receiver: 'prometheus', signal: 'metrics' }, counts, () =>
        pipeline.submitPoints(decoded.points),
      );
      if (decoded.rejectedSamples > 0) {
        throw new ReceiverError(
          'INVALID_BODY',
          `${decoded.rejectedSamples} of ${decoded.receivedSamples} samples rejected (the others were stored): ${decoded.errorMessage}`,
        );
      }
      return reply.code(204).send();
    });
  },
  { name: PLUGIN, fastify: '5.x', encapsulate: true, dependencies: ['firefly-server-context'] },
);

async function checkHeaders(request: FastifyRequest): Promise<void> {
  const contentType = request.headers['content-type'] ?? '';
  const [mediaType = '', ...parameters] = contentType.split(';').map((part) => part.trim());
  if (mediaType.toLowerCase() !== 'application/x-protobuf') {
    throw new ReceiverError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Content-Type ${JSON.stringify(contentType)} is not supported; remote write sends application/x-protobuf`,
    );
  }
  // Remote write 2.0 names its message in `proto=`; receivers that only speak 1.0 must answer 415.
  const proto = parameters.find((p) => p.toLowerCase().startsWith('proto='))?.slice('proto='.length);
  if (proto !== undefined && proto !== 'prometheus.WriteRequest') {
    throw new ReceiverError(
      'UNSUPPORTED_MEDIA_TYPE',
      `remote write message ${JSON.stringify(proto)} is not supported; this endpoint speaks remote write 1.0 (prometheus.WriteRequest)`,
    );
  }
  const encoding = request.headers['content-encoding']?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== 'snappy') {
    throw new ReceiverError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Content-Encoding ${JSON.stringify(request.headers['content-encoding'])} is not supported; remote write sends snappy`,
    );
  }
}

function textBody(error: ReceiverError): ErrorBody {
  return { contentType: 'text/plain; charset=utf-8', body: `${error.message}\n` };
}
