/**
 * Why a Firehose request or a transformation event was refused. Every code is permanent: the same
 * bytes fail again. `statusCode` is the HTTP status to answer a Firehose HTTP endpoint delivery with.
 */
export type FirehoseErrorCode =
  /** A required header is absent (X-Amz-Firehose-Request-Id, X-Amz-Firehose-Protocol-Version). */
  | 'MISSING_HEADER'
  /** A header is repeated, too long, or not in its documented format. */
  | 'INVALID_HEADER'
  /** X-Amz-Firehose-Protocol-Version is not 1.0. */
  | 'UNSUPPORTED_PROTOCOL_VERSION'
  /** Content-Encoding is neither absent, identity nor gzip. */
  | 'UNSUPPORTED_ENCODING'
  /** Content-Type is not application/json. */
  | 'UNSUPPORTED_CONTENT_TYPE'
  /** The body is over the limit, before or after decompression. */
  | 'PAYLOAD_TOO_LARGE'
  /** Content-Encoding says gzip but the body does not gunzip. */
  | 'INVALID_GZIP'
  /** The body, or a transformation event, is not the JSON document Firehose sends. */
  | 'INVALID_JSON'
  /** The body's requestId differs from X-Amz-Firehose-Request-Id. */
  | 'REQUEST_ID_MISMATCH'
  /** The body holds fewer than 1 or more than 10,000 records. */
  | 'INVALID_RECORD_COUNT'
  /** A record's data is not standard padded base64, or is longer than Firehose allows. */
  | 'INVALID_BASE64'
  /** A transformation outcome names a record id the event did not have, or names one twice. */
  | 'INVALID_RECORD_ID'
  /** Even the smallest possible transformation response would not fit the Lambda response limit. */
  | 'RESPONSE_TOO_LARGE';

const STATUS: Record<FirehoseErrorCode, number> = {
  MISSING_HEADER: 400,
  INVALID_HEADER: 400,
  UNSUPPORTED_PROTOCOL_VERSION: 400,
  UNSUPPORTED_ENCODING: 415,
  UNSUPPORTED_CONTENT_TYPE: 415,
  // Firehose treats 413 as permanent and does not retry; every other non-200 is retried.
  PAYLOAD_TOO_LARGE: 413,
  INVALID_GZIP: 400,
  INVALID_JSON: 400,
  REQUEST_ID_MISMATCH: 400,
  INVALID_RECORD_COUNT: 400,
  INVALID_BASE64: 400,
  INVALID_RECORD_ID: 500,
  RESPONSE_TOO_LARGE: 500,
};

export class FirehoseError extends Error {
  override readonly name = 'FirehoseError';
  readonly code: FirehoseErrorCode;
  /** The HTTP status to answer with. */
  readonly statusCode: number;

  constructor(code: FirehoseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.statusCode = STATUS[code];
  }
}
