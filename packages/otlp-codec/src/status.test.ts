import { describe, expect, it } from 'vitest';
import { decodeStatus, encodeStatus } from './status.js';

describe('google.rpc.Status error bodies', () => {
  it('protobuf: code (field 1, varint) and message (field 2, string)', () => {
    expect(Buffer.from(encodeStatus({ code: 3, message: 'bad' }, 'protobuf') as Uint8Array)).toEqual(
      Buffer.from([0x08, 0x03, 0x12, 0x03, 0x62, 0x61, 0x64]),
    );
    // Defaults are omitted, as proto3 does.
    expect((encodeStatus({ code: 0, message: '' }, 'protobuf') as Uint8Array).length).toBe(0);
    const long = encodeStatus({ code: 14, message: 'é'.repeat(100) }, 'protobuf') as Uint8Array;
    expect(Buffer.from(long.subarray(0, 5))).toEqual(Buffer.from([0x08, 14, 0x12, 0xc8, 0x01]));
  });

  it('JSON: the same fields by name', () => {
    expect(encodeStatus({ code: 8, message: 'queue "full"' }, 'json')).toBe(
      '{"code":8,"message":"queue \\"full\\""}',
    );
  });

  it('decodes what it encodes, in both encodings', () => {
    for (const encoding of ['protobuf', 'json'] as const) {
      const status = { code: 14, message: 'Kafka is not available: "no broker" 🔥' };
      expect(decodeStatus(encodeStatus(status, encoding), encoding)).toEqual(status);
    }
  });
});
