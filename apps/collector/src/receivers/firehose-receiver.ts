import {
  accessKeyMatches,
  decodeFirehoseRequest,
  decodeMetricStream,
  encodeFirehoseResponse,
} from '@firefly/cloudwatch-codec';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { acceptRawBodies, rawBody } from './body.js';
import { type FirehoseReceiverOptions, firehoseReceiverOptions, validate } from './config.js';
import { ReceiverError } from './errors.js';
import { type ErrorBody, receiverResponses } from './responses.js';
import { refuseWhenPipelineRefuses, submitCounted } from './submit.js';

const PLUGIN = 'firefly-firehose-receiver';
// Sent as a Buffer with exactly this type: for strings fastify would add a charset parameter, and
// the Firehose specification shows the bare media type.
const FIREHOSE_CONTENT_TYPE = 'application/json';

/**
 * Kinesis Data Firehose HTTP endpoint deliveries of a CloudWatch metric stream. Firehose retries
 * every answer but 200 and 413, so 200 is sent only once the pipeline accepted every valid point;
 * a delivery whose records are all invalid gets 400, so that after its retries Firehose files it,
 * with our message, in the stream's error output instead of it vanishing. Every answer is the JSON
 * Firehose requires, echoing the request id. The codec gunzips the body itself (within the body
 * limit), so the shared gzip step is not used here.
 */
export const firehoseReceiver = fp<FirehoseReceiverOptions>(
  async (fastify, raw) => {
    const { path, bodyLimitBytes, accessKeys, recordFormat } = validate(PLUGIN, firehoseReceiverOptions, raw);
    const { pipeline, collectorMetrics: metrics } = fastify;
    acceptRawBodies(fastify, bodyLimitBytes);
    receiverResponses(fastify, { receiver: 'firehose', bodyLimitBytes, render: firehoseBody });

    // Before the body is read: an unauthenticated sender gets nothing decompressed or parsed.
    const checkAccessKey = async (request: FastifyRequest) => {
      if (accessKeys.length === 0) return;
      const presented = request.headers['x-amz-firehose-access-key'];
      if (!accessKeyMatches(typeof presented === 'string' ? presented : undefined, accessKeys)) {
        throw new ReceiverError('UNAUTHORIZED', 'X-Amz-Firehose-Access-Key is missing or not valid');
      }
    };

    const refuse = refuseWhenPipelineRefuses(pipeline);
    fastify.post(path, { onRequest: [checkAccessKey, refuse] }, async (request, reply) => {
      const delivery = await decodeFirehoseRequest(request.headers, rawBody(request), {
        maxBodyBytes: bodyLimitBytes,
      });
      const decoded = decodeMetricStream(delivery.records, recordFormat);
      const counts = { items: decoded.points.length, invalid: decoded.rejected };
      await submitCounted(metrics, { receiver: 'firehose', signal: 'metrics' }, counts, () =>
        pipeline.submitPoints(decoded.points),
      );
      if (decoded.rejected > 0 && decoded.points.length === 0) {
        throw new ReceiverError('INVALID_BODY', `every item was invalid: ${decoded.errorMessage}`);
      }
      if (decoded.rejected > 0) {
        // Answering an error would make Firehose resend, and store again, the valid points.
        request.log.info(
          { receiver: 'firehose', rejected: decoded.rejected, requestId: delivery.requestId },
          `partial success: ${decoded.errorMessage}`,
        );
      }
      return reply
        .code(200)
        .type(FIREHOSE_CONTENT_TYPE)
        .send(Buffer.from(encodeFirehoseResponse({ requestId: delivery.requestId })));
    });
  },
  { name: PLUGIN, fastify: '5.x', encapsulate: true, dependencies: ['firefly-server-context'] },
);

function firehoseBody(error: ReceiverError, request: FastifyRequest): ErrorBody {
  const requestId = request.headers['x-amz-firehose-request-id'];
  return {
    contentType: FIREHOSE_CONTENT_TYPE,
    body: Buffer.from(
      encodeFirehoseResponse({
        requestId: typeof requestId === 'string' ? requestId : '',
        errorMessage: error.message,
      }),
    ),
  };
}
