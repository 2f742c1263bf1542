import protobuf from 'protobufjs/minimal.js';
import { compressSync, uncompressSync } from 'snappy';
import { RemoteWriteDecodeError } from './errors.js';

/** Default limit on a decompressed body: far above what Prometheus sends (a few MiB at most). */
export const DEFAULT_MAX_DECODED_BYTES = 32 * 1024 * 1024;

/**
 * Snappy block format, as remote write uses it (not the framed/stream format). The block starts
 * with its uncompressed length as a varint, which is checked against `maxBytes` before anything
 * is allocated, so a small body cannot claim gigabytes.
 */
export function decompressSnappy(body: Uint8Array, maxBytes = DEFAULT_MAX_DECODED_BYTES): Buffer {
  const stated = statedLength(body);
  if (stated > maxBytes) {
    throw new RemoteWriteDecodeError(
      'TOO_LARGE',
      `the snappy body decompresses to ${stated} bytes, over the limit of ${maxBytes}`,
    );
  }
  try {
    return uncompressSync(asBuffer(body), { asBuffer: true }) as Buffer;
  } catch (error) {
    throw new RemoteWriteDecodeError(
      'INVALID_SNAPPY',
      `the body is not snappy block format: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

export function compressSnappy(bytes: Uint8Array): Buffer {
  return compressSync(asBuffer(bytes));
}

function statedLength(body: Uint8Array): number {
  try {
    return protobuf.Reader.create(body).uint32();
  } catch (error) {
    throw new RemoteWriteDecodeError(
      'INVALID_SNAPPY',
      'the body is empty or its snappy length preamble is invalid',
      {
        cause: error,
      },
    );
  }
}

/** A Buffer view of the same memory (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
