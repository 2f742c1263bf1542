import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ReceiverError } from './errors.js';

const gunzipAsync = promisify(gunzip);

/**
 * Makes every route of this (encapsulated) instance receive its body as a raw Buffer, whatever the
 * content type: codecs decode bytes, and fastify's JSON parser would build objects nobody reads.
 * Bodies over `bodyLimitBytes` are refused with fastify's 413 before they are all in memory.
 */
export function acceptRawBodies(fastify: FastifyInstance, bodyLimitBytes: number): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: bodyLimitBytes },
    (_request, body, done) => done(null, body),
  );
}

/** The request's Content-Encoding, when it is one the shared body handling decompresses. */
export function contentEncodingOf(request: FastifyRequest): 'gzip' | 'identity' {
  const header = request.headers['content-encoding'];
  const encoding = header?.trim().toLowerCase();
  if (encoding === undefined || encoding === '' || encoding === 'identity') return 'identity';
  if (encoding === 'gzip' || encoding === 'x-gzip') return 'gzip';
  throw new ReceiverError(
    'UNSUPPORTED_MEDIA_TYPE',
    `Content-Encoding ${JSON.stringify(header)} is not supported; send gzip or no encoding`,
  );
}

/** The raw body as fastify collected it; empty when the request had none. */
export function rawBody(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

/**
 * The body, gunzipped when Content-Encoding says gzip. Decompression stops at `bodyLimitBytes`, the
 * same limit as the compressed body, so a gzip bomb costs at most that much memory before the 413.
 */
export async function decodedBody(request: FastifyRequest, bodyLimitBytes: number): Promise<Buffer> {
  const body = rawBody(request);
  if (contentEncodingOf(request) === 'identity') return body;
  try {
    return await gunzipAsync(body, { maxOutputLength: bodyLimitBytes });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ReceiverError(
        'BODY_TOO_LARGE',
        `the request body decompresses to more than the limit of ${bodyLimitBytes} bytes`,
        { cause: error },
      );
    }
    throw new ReceiverError('INVALID_BODY', `the body is not valid gzip (${(error as Error).message})`, {
      cause: error,
    });
  }
}
