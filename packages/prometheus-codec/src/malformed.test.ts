import protobuf from 'protobufjs/minimal.js';
import { compressSync } from 'snappy';
import { describe, expect, it } from 'vitest';
import { everyFeature, histogram, series } from '../test-support/requests.js';
import { RemoteWriteDecodeError } from './errors.js';
import { DEFAULT_MAX_ELEMENTS, decodeWriteRequestProtobuf } from './protobuf/decode.js';
import { encodeWriteRequestProtobuf } from './protobuf/encode.js';
import { decodeRemoteWrite, decodeWriteRequest, encodeWriteRequest } from './remote-write.js';

function failure(run: () => unknown): RemoteWriteDecodeError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RemoteWriteDecodeError);
    return error as RemoteWriteDecodeError;
  }
  throw new Error('expected a RemoteWriteDecodeError, but decoding succeeded');
}

/** A deterministic PRNG, so a failing mutation can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('snappy framing', () => {
  it('rejects an empty body, garbage, and a block whose content does not match its stated size', () => {
    expect(failure(() => decodeWriteRequest(new Uint8Array()))).toMatchObject({ code: 'INVALID_SNAPPY' });
    expect(failure(() => decodeWriteRequest(Buffer.from('{"not":"snappy"}')))).toMatchObject({
      code: 'INVALID_SNAPPY',
      message: expect.stringMatching(/^the body is not snappy block format: /),
    });
    const block = compressSync(Buffer.from('hello hello hello hello'));
    expect(failure(() => decodeWriteRequest(block.subarray(0, block.length - 3)))).toMatchObject({
      code: 'INVALID_SNAPPY',
    });
  });

  it('refuses a body that claims to decompress past the limit before allocating anything', () => {
    // A 6-byte "block" whose preamble says 2 GiB.
    const liar = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x08, 0x00]);
    expect(failure(() => decodeWriteRequest(liar))).toMatchObject({
      code: 'TOO_LARGE',
      message: 'the snappy body decompresses to 2147483648 bytes, over the limit of 33554432',
    });
    const honest = encodeWriteRequest(everyFeature());
    expect(failure(() => decodeWriteRequest(honest, { maxDecodedBytes: 100 }))).toMatchObject({
      code: 'TOO_LARGE',
    });
    expect(decodeWriteRequest(honest, { maxDecodedBytes: 100_000 }).timeseries).toHaveLength(3);
  });

  it('rejects valid snappy around bytes that are not a WriteRequest', () => {
    const error = failure(() => decodeWriteRequest(compressSync(Buffer.from([0x0a, 0xff, 0xff, 0x03]))));
    expect(error).toMatchObject({ code: 'INVALID_PROTOBUF' });
    expect(error.message).toMatch(/^the body is not a valid WriteRequest near byte \d+ of 4: /);
  });
});

describe('protobuf', () => {
  const valid = encodeWriteRequestProtobuf(everyFeature());

  it('truncated at every byte: a typed error, or the messages that were complete', () => {
    let errors = 0;
    for (let end = 0; end < valid.length; end++) {
      try {
        const decoded = decodeWriteRequestProtobuf(valid.subarray(0, end));
        // Only a cut between top-level messages leaves a valid, shorter request.
        expect(decoded.timeseries.length + decoded.metadata.length).toBeLessThan(6);
      } catch (error) {
        expect(error).toBeInstanceOf(RemoteWriteDecodeError);
        errors += 1;
      }
    }
    expect(errors).toBe(valid.length - 6);
  });

  it('names a known field that arrives with the wrong wire type', () => {
    const w = protobuf.Writer.create();
    w.uint32((1 << 3) | 2).fork(); // timeseries
    w.uint32((1 << 3) | 2).fork(); // labels
    w.uint32((1 << 3) | 0).uint32(5); // Label.name as a varint
    w.ldelim().ldelim();
    expect(failure(() => decodeWriteRequestProtobuf(w.finish()))).toMatchObject({
      code: 'INVALID_PROTOBUF',
      message: expect.stringMatching(/^Label\.name has wire type 0, which its type does not allow/),
    });
    const h = protobuf.Writer.create();
    h.uint32((1 << 3) | 2)
      .fork()
      .uint32((4 << 3) | 2)
      .fork();
    h.uint32((3 << 3) | 0).uint32(1); // Histogram.sum as a varint
    h.ldelim().ldelim();
    expect(failure(() => decodeWriteRequestProtobuf(h.finish())).message).toMatch(
      /^Histogram field 3 has wire type 0/,
    );
  });

  it('rejects a nested message that runs past its parent or the input', () => {
    const past = Buffer.from([0x0a, 0x05, 0x0a, 0x10, 0x0a, 0x01, 0x61]);
    expect(failure(() => decodeWriteRequestProtobuf(past))).toMatchObject({ code: 'INVALID_PROTOBUF' });
    const huge = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x07]);
    expect(failure(() => decodeWriteRequestProtobuf(huge)).message).toContain(
      'runs past the end of the input',
    );
  });

  it('rejects invalid UTF-8 in a label', () => {
    const w = protobuf.Writer.create();
    w.uint32((1 << 3) | 2)
      .fork()
      .uint32((1 << 3) | 2)
      .fork();
    w.uint32((2 << 3) | 2).bytes(Buffer.from([0x61, 0xc3, 0x28]));
    w.ldelim().ldelim();
    expect(failure(() => decodeWriteRequestProtobuf(w.finish()))).toMatchObject({
      code: 'INVALID_UTF8',
      message: expect.stringMatching(/^Label\.value is not valid UTF-8/),
    });
  });

  it('caps the messages one request may hold: a small body of empty messages cannot demand gigabytes', () => {
    // One series of 300,000 empty samples: 2 bytes each on the wire, an object each in memory.
    const samples = Buffer.alloc(600_000);
    for (let i = 0; i < samples.length; i += 2) samples[i] = (2 << 3) | 2;
    const w = protobuf.Writer.create();
    w.uint32((1 << 3) | 2).bytes(samples);
    const body = compressSync(w.finish());
    expect(failure(() => decodeWriteRequest(body, { maxElements: 100_000 }))).toMatchObject({
      code: 'TOO_LARGE',
      message: 'the WriteRequest holds more than 100000 messages',
    });
    expect(decodeWriteRequest(body).timeseries[0]?.samples).toHaveLength(300_000);
  });

  it('the message cap defaults to DEFAULT_MAX_ELEMENTS and counts every nesting level', () => {
    const request = {
      timeseries: Array.from({ length: DEFAULT_MAX_ELEMENTS / 4 }, (_, i) =>
        series({ __name__: 'm', i: String(i) }, { samples: [{ value: 1, timestamp: 1, stale: false }] }),
      ),
      metadata: [],
    };
    // Each series is 4 messages (itself, two labels, a sample): exactly at the cap, then one over.
    expect(decodeWriteRequest(encodeWriteRequest(request)).timeseries).toHaveLength(DEFAULT_MAX_ELEMENTS / 4);
    request.timeseries.push(series({ __name__: 'one_more' }));
    expect(failure(() => decodeWriteRequest(encodeWriteRequest(request)))).toMatchObject({
      code: 'TOO_LARGE',
    });
  });

  it('stops deeply nested unknown groups with an error, not a stack overflow', () => {
    const depth = 100_000;
    const open = Buffer.alloc(depth, (9 << 3) | 3);
    const close = Buffer.alloc(depth, (9 << 3) | 4);
    expect(failure(() => decodeWriteRequestProtobuf(Buffer.concat([open, close])))).toMatchObject({
      code: 'INVALID_PROTOBUF',
    });
  });

  it('20,000 random mutations decode and map, or fail with a typed error', () => {
    const next = random(7);
    for (let i = 0; i < 20_000; i++) {
      const mutated = Buffer.from(valid);
      for (let flips = 1 + Math.floor(next() * 4); flips > 0; flips--) {
        mutated[Math.floor(next() * mutated.length)] = Math.floor(next() * 256);
      }
      try {
        decodeRemoteWrite(compressSync(mutated));
      } catch (error) {
        if (!(error instanceof RemoteWriteDecodeError)) throw new Error(`mutation ${i}: ${String(error)}`);
      }
    }
  });

  it('random garbage never crashes', () => {
    const next = random(11);
    for (let i = 0; i < 5_000; i++) {
      const garbage = Buffer.alloc(1 + Math.floor(next() * 200), 0).map(() => Math.floor(next() * 256));
      for (const body of [garbage, compressSync(garbage)]) {
        try {
          decodeRemoteWrite(body);
        } catch (error) {
          expect(error).toBeInstanceOf(RemoteWriteDecodeError);
        }
      }
    }
  });
});

describe('native histogram spans cannot make the decoder allocate without bound', () => {
  it('a gap of two billion buckets rejects the series, not the process', () => {
    const sparse = histogram({
      count: 2,
      positiveSpans: [
        { offset: 0, length: 1 },
        { offset: 2_000_000_000, length: 1 },
      ],
      positiveDeltas: [1, 0],
    });
    const decoded = decodeRemoteWrite(
      encodeWriteRequest({
        timeseries: [
          series({ __name__: 'ok' }, { samples: [{ value: 1, timestamp: 1, stale: false }] }),
          series({ __name__: 'gap' }, { histograms: [sparse] }),
        ],
        metadata: [],
      }),
    );
    expect(decoded.points.map((p) => p.metric.name)).toEqual(['ok']);
    expect(decoded.rejectedSamples).toBe(1);
    expect(decoded.errorMessage).toBe(
      'series 1 ({__name__="gap"}): native histogram at 0: positive spans leave 2000000000 empty buckets between them, more than this request may fill',
    );
  });

  it('the budget is per request and configurable', () => {
    const gap = (name: string) =>
      series(
        { __name__: name },
        {
          histograms: [
            histogram({
              count: 2,
              positiveSpans: [
                { offset: 0, length: 1 },
                { offset: 600, length: 1 },
              ],
              positiveDeltas: [1, 0],
            }),
          ],
        },
      );
    const body = encodeWriteRequest({ timeseries: [gap('a'), gap('b')], metadata: [] });
    expect(decodeRemoteWrite(body, { maxFilledBuckets: 1_000 })).toMatchObject({ rejectedSamples: 1 });
    expect(decodeRemoteWrite(body, { maxFilledBuckets: 1_200 })).toMatchObject({ rejectedSamples: 0 });
  });
});
