import { isUtf8 } from 'node:buffer';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { FirehoseError } from '../errors.js';
import { decodeBase64 } from './base64.js';

const gunzipAsync = promisify(gunzip);

/** Firehose's body limit (64 MiB before compression); applied here before and after gunzip. */
export const MAX_FIREHOSE_BODY_BYTES = 64 * 1024 * 1024;
/** Firehose's limits on the number of records in one delivery. */
export const MAX_FIREHOSE_RECORDS = 10_000;

export interface FirehoseBodyOptions {
  /** The largest body accepted, compressed and decompressed; default 64 MiB, Firehose's own limit. */
  maxBodyBytes?: number;
}

/** The body of a Firehose HTTP endpoint delivery, with each record's data decoded. */
export interface FirehoseBody {
  requestId: string;
  /** When Firehose generated the request, in milliseconds since the epoch; undefined if absent. */
  timestamp: number | undefined;
  records: Buffer[];
}

/**
 * Gunzips (if asked to), parses and validates a Firehose delivery body. Decompression stops at
 * `maxBodyBytes`, so a gzip bomb costs at most that much memory before it is refused.
 * Throws `FirehoseError`.
 */
export async function decodeFirehoseBody(
  body: Uint8Array,
  contentEncoding: 'gzip' | 'identity',
  options: FirehoseBodyOptions = {},
): Promise<FirehoseBody> {
  const limit = options.maxBodyBytes ?? MAX_FIREHOSE_BODY_BYTES;
  if (body.byteLength > limit) throw tooLarge(`is ${body.byteLength} bytes, more than`, limit);
  const json = contentEncoding === 'gzip' ? await gunzipBounded(body, limit) : body;
  return parseBody(Buffer.from(json.buffer, json.byteOffset, json.byteLength));
}

async function gunzipBounded(body: Uint8Array, limit: number): Promise<Buffer> {
  try {
    return await gunzipAsync(body, { maxOutputLength: limit });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw tooLarge('decompresses to more than', limit, error);
    throw new FirehoseError('INVALID_GZIP', `the body is not valid gzip (${(error as Error).message})`, {
      cause: error,
    });
  }
}

function tooLarge(what: string, limit: number, cause?: unknown): FirehoseError {
  return new FirehoseError('PAYLOAD_TOO_LARGE', `the body ${what} the limit of ${limit} bytes`, {
    cause,
  });
}

function parseBody(json: Buffer): FirehoseBody {
  if (!isUtf8(json)) throw new FirehoseError('INVALID_JSON', 'the body is not valid UTF-8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(json.toString('utf8'));
  } catch (error) {
    throw new FirehoseError('INVALID_JSON', `the body is not JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new FirehoseError('INVALID_JSON', 'the body must be a JSON object');
  const { requestId, timestamp, records } = parsed as Record<string, unknown>;
  if (typeof requestId !== 'string' || requestId === '')
    throw new FirehoseError('INVALID_JSON', 'the body\'s "requestId" must be a non-empty string');
  if (timestamp !== undefined && !Number.isSafeInteger(timestamp))
    throw new FirehoseError(
      'INVALID_JSON',
      'the body\'s "timestamp" must be an integer (epoch milliseconds)',
    );
  if (!Array.isArray(records))
    throw new FirehoseError('INVALID_JSON', 'the body\'s "records" must be an array');
  if (records.length < 1 || records.length > MAX_FIREHOSE_RECORDS)
    throw new FirehoseError(
      'INVALID_RECORD_COUNT',
      `the body has ${records.length} records; Firehose sends 1 to ${MAX_FIREHOSE_RECORDS}`,
    );
  return { requestId, timestamp: timestamp as number | undefined, records: records.map(recordData) };
}

function recordData(record: unknown, index: number): Buffer {
  const data =
    typeof record === 'object' && record !== null ? (record as { data?: unknown }).data : undefined;
  if (typeof data !== 'string')
    throw new FirehoseError('INVALID_JSON', `records[${index}].data must be a base64 string`);
  return decodeBase64(data, `records[${index}].data`);
}
