import { FirehoseError } from '../errors.js';
import { decodeFirehoseBody, type FirehoseBodyOptions } from './body.js';
import { type FirehoseHeaders, type HttpHeaders, readFirehoseHeaders } from './headers.js';

/** A Firehose HTTP endpoint delivery, validated: its headers and its records' data. */
export interface FirehoseRequest extends FirehoseHeaders {
  /** When Firehose generated the request, in milliseconds since the epoch; undefined if absent. */
  timestamp: number | undefined;
  /** Each record's data, base64-decoded, in delivery order. */
  records: Buffer[];
}

/**
 * Validates the headers, decodes the body (gunzipped within `maxBodyBytes`) and checks that the
 * body's `requestId` is the header's. Throws `FirehoseError`, whose `statusCode` is the answer.
 * The access key is returned, not checked: compare it with `accessKeyMatches`.
 */
export async function decodeFirehoseRequest(
  headers: HttpHeaders,
  body: Uint8Array,
  options: FirehoseBodyOptions = {},
): Promise<FirehoseRequest> {
  const envelope = readFirehoseHeaders(headers);
  const decoded = await decodeFirehoseBody(body, envelope.contentEncoding, options);
  if (decoded.requestId !== envelope.requestId)
    throw new FirehoseError(
      'REQUEST_ID_MISMATCH',
      `the body's requestId ${JSON.stringify(decoded.requestId)} is not X-Amz-Firehose-Request-Id ${JSON.stringify(envelope.requestId)}`,
    );
  return { ...envelope, timestamp: decoded.timestamp, records: decoded.records };
}
