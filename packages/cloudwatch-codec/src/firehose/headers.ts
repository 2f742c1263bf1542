import { FirehoseError } from '../errors.js';

/** Request headers as Node's `IncomingMessage.headers` or fastify's `request.headers` hold them. */
export type HttpHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** What the headers of a Firehose HTTP endpoint delivery say. */
export interface FirehoseHeaders {
  /** X-Amz-Firehose-Request-Id: kept across retries of the same delivery, so usable to deduplicate. */
  requestId: string;
  /** X-Amz-Firehose-Protocol-Version; always '1.0'. */
  protocolVersion: string;
  /** X-Amz-Firehose-Access-Key, verbatim; check it with `accessKeyMatches`. */
  accessKey: string | undefined;
  /** X-Amz-Firehose-Source-Arn: the Firehose stream's ARN. */
  sourceArn: string | undefined;
  /** X-Amz-Firehose-Common-Attributes' `commonAttributes`; empty when the header is absent. */
  commonAttributes: Record<string, string>;
  /** Content-Encoding: whether the body must be gunzipped. */
  contentEncoding: 'gzip' | 'identity';
}

/** Firehose's limits, from its HTTP endpoint delivery specification. */
const MAX_ACCESS_KEY_BYTES = 4096;
const MAX_COMMON_ATTRIBUTES = 50;
const MAX_ATTRIBUTE_NAME = 256;
const MAX_ATTRIBUTE_VALUE = 1024;

/** Reads and validates the headers of a Firehose HTTP endpoint delivery. Throws `FirehoseError`. */
export function readFirehoseHeaders(headers: HttpHeaders): FirehoseHeaders {
  const lower = lowerCased(headers);
  const requestId = single(lower, 'x-amz-firehose-request-id');
  if (requestId === undefined || requestId === '')
    throw new FirehoseError('MISSING_HEADER', 'X-Amz-Firehose-Request-Id is missing');
  const protocolVersion = single(lower, 'x-amz-firehose-protocol-version');
  if (protocolVersion === undefined)
    throw new FirehoseError('MISSING_HEADER', 'X-Amz-Firehose-Protocol-Version is missing');
  if (protocolVersion.trim() !== '1.0')
    throw new FirehoseError(
      'UNSUPPORTED_PROTOCOL_VERSION',
      `X-Amz-Firehose-Protocol-Version is ${JSON.stringify(protocolVersion)}; only 1.0 is supported`,
    );
  const accessKey = single(lower, 'x-amz-firehose-access-key');
  if (accessKey !== undefined && Buffer.byteLength(accessKey) > MAX_ACCESS_KEY_BYTES)
    throw new FirehoseError(
      'INVALID_HEADER',
      `X-Amz-Firehose-Access-Key is longer than the ${MAX_ACCESS_KEY_BYTES} bytes Firehose allows`,
    );
  checkContentType(single(lower, 'content-type'));
  return {
    requestId,
    protocolVersion: protocolVersion.trim(),
    accessKey,
    sourceArn: single(lower, 'x-amz-firehose-source-arn'),
    commonAttributes: readCommonAttributes(single(lower, 'x-amz-firehose-common-attributes')),
    contentEncoding: readContentEncoding(single(lower, 'content-encoding')),
  };
}

function lowerCased(headers: HttpHeaders): Map<string, string | readonly string[]> {
  const map = new Map<string, string | readonly string[]>();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const seen = map.get(key);
    map.set(key, seen === undefined ? value : [seen, value].flat());
  }
  return map;
}

function single(headers: Map<string, string | readonly string[]>, name: string): string | undefined {
  const value = headers.get(name);
  if (value === undefined || typeof value === 'string') return value;
  if (value.length === 1) return value[0];
  throw new FirehoseError('INVALID_HEADER', `${name} appears ${value.length} times`);
}

function checkContentType(value: string | undefined): void {
  if (value === undefined) return;
  const mediaType = value.split(';', 1)[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json')
    throw new FirehoseError(
      'UNSUPPORTED_CONTENT_TYPE',
      `Content-Type is ${JSON.stringify(value)}; Firehose sends application/json`,
    );
}

function readContentEncoding(value: string | undefined): 'gzip' | 'identity' {
  const encoding = value?.trim().toLowerCase();
  if (encoding === undefined || encoding === '' || encoding === 'identity') return 'identity';
  if (encoding === 'gzip' || encoding === 'x-gzip') return 'gzip';
  throw new FirehoseError(
    'UNSUPPORTED_ENCODING',
    `Content-Encoding is ${JSON.stringify(value)}; Firehose sends gzip or nothing`,
  );
}

function readCommonAttributes(value: string | undefined): Record<string, string> {
  const attributes: Record<string, string> = {};
  if (value === undefined) return attributes;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new FirehoseError('INVALID_HEADER', 'X-Amz-Firehose-Common-Attributes is not JSON', {
      cause: error,
    });
  }
  const common = isRecord(parsed) ? parsed.commonAttributes : undefined;
  if (!isRecord(common))
    throw new FirehoseError(
      'INVALID_HEADER',
      'X-Amz-Firehose-Common-Attributes must be a JSON object {"commonAttributes": {...}}',
    );
  const entries = Object.entries(common);
  if (entries.length > MAX_COMMON_ATTRIBUTES)
    throw invalidAttribute(`has ${entries.length} attributes, more than ${MAX_COMMON_ATTRIBUTES}`);
  for (const [name, text] of entries) {
    if (name.length === 0 || name.length > MAX_ATTRIBUTE_NAME)
      throw invalidAttribute(`has a name of ${name.length} characters (1 to ${MAX_ATTRIBUTE_NAME} allowed)`);
    if (typeof text !== 'string') throw invalidAttribute(`"${name}" is not a string`);
    if (text.length > MAX_ATTRIBUTE_VALUE)
      throw invalidAttribute(`"${name}" is longer than ${MAX_ATTRIBUTE_VALUE} characters`);
    Object.defineProperty(attributes, name, {
      value: text,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return attributes;
}

function invalidAttribute(problem: string): FirehoseError {
  return new FirehoseError('INVALID_HEADER', `X-Amz-Firehose-Common-Attributes ${problem}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
