import protobuf from 'protobufjs/minimal.js';
import { describe, expect, it } from 'vitest';
import { everyFeature, histogram, labels, reference, series } from '../../test-support/requests.js';
import type { Histogram, WriteRequest } from '../write-request.js';
import { decodeWriteRequestProtobuf } from './decode.js';
import { encodeWriteRequestProtobuf } from './encode.js';

type RefObject = Record<string, unknown>;
const TO_OBJECT = { longs: Number, enums: Number, defaults: true, arrays: true, oneofs: true } as const;

/** Our request as the reference codec's plain object (snake_case → camelCase is protobufjs's job). */
function toReference(request: WriteRequest): RefObject {
  return {
    timeseries: request.timeseries.map((s) => ({
      labels: s.labels,
      samples: s.samples.map(({ value, timestamp }) => ({ value, timestamp })),
      exemplars: s.exemplars,
      histograms: s.histograms.map(({ kind, count, zeroCount, stale: _stale, ...rest }) => ({
        ...rest,
        ...(kind === 'int'
          ? { countInt: count, zeroCountInt: zeroCount }
          : { countFloat: count, zeroCountFloat: zeroCount }),
      })),
    })),
    metadata: request.metadata,
  };
}

/** The reference codec's decoded object in our shape; `stale` cannot be seen there and is false. */
function fromReference(object: RefObject): WriteRequest {
  const timeseries = (object.timeseries as RefObject[]).map((s) => ({
    labels: s.labels as WriteRequest['timeseries'][number]['labels'],
    samples: (s.samples as { value: number; timestamp: number }[]).map((x) => ({ ...x, stale: false })),
    exemplars: s.exemplars as WriteRequest['timeseries'][number]['exemplars'],
    histograms: (s.histograms as RefObject[]).map((h): Histogram => {
      const { count, zeroCount, countInt, countFloat, zeroCountInt, zeroCountFloat, ...rest } = h;
      const kind = count === 'countFloat' ? 'float' : 'int';
      return {
        ...(rest as unknown as Histogram),
        kind,
        stale: false,
        count: (kind === 'int' ? countInt : countFloat) as number,
        zeroCount: (zeroCount === 'zeroCountFloat' ? zeroCountFloat : zeroCountInt) as number,
      };
    }),
  }));
  return { timeseries, metadata: object.metadata as WriteRequest['metadata'] };
}

/** What the reference codec can carry: staleness markers become plain NaNs. */
function withoutStale(request: WriteRequest): WriteRequest {
  return {
    ...request,
    timeseries: request.timeseries.map((s) => ({
      ...s,
      samples: s.samples.map((x) => ({ ...x, stale: false })),
      histograms: s.histograms.map((h) => ({ ...h, stale: false })),
    })),
  };
}

describe('WriteRequest protobuf against an independent protobufjs codec', () => {
  it('ours → reference decoder: every field arrives', () => {
    const request = everyFeature();
    const decoded = reference.WriteRequest.decode(encodeWriteRequestProtobuf(request));
    expect(fromReference(reference.WriteRequest.toObject(decoded, TO_OBJECT))).toEqual(withoutStale(request));
  });

  it('reference encoder → ours: every field arrives', () => {
    const request = withoutStale(everyFeature());
    const bytes = reference.WriteRequest.encode(
      reference.WriteRequest.fromObject(toReference(request)),
    ).finish();
    expect(decodeWriteRequestProtobuf(bytes)).toEqual(request);
  });

  it('ours → ours keeps everything, staleness markers included', () => {
    const request = everyFeature();
    expect(decodeWriteRequestProtobuf(encodeWriteRequestProtobuf(request))).toEqual(request);
  });

  it('accepts repeated scalars unpacked, as protobuf parsers must', () => {
    const w = protobuf.Writer.create();
    w.uint32((1 << 3) | 2).fork(); // timeseries
    w.uint32((4 << 3) | 2).fork(); // histograms
    w.uint32((1 << 3) | 0).uint64(3); // count_int
    w.uint32((11 << 3) | 2)
      .fork()
      .uint32((2 << 3) | 0)
      .uint32(2)
      .ldelim(); // positive_spans {length 2}
    w.uint32((12 << 3) | 0).sint64(1); // positive_deltas, one per field
    w.uint32((12 << 3) | 0).sint64(1);
    w.uint32((13 << 3) | 1).double(2.5); // positive_counts, unpacked double
    w.ldelim().ldelim();
    const decoded = decodeWriteRequestProtobuf(w.finish());
    expect(decoded.timeseries[0]?.histograms[0]).toEqual(
      histogram({
        count: 3,
        positiveSpans: [{ offset: 0, length: 2 }],
        positiveDeltas: [1, 1],
        positiveCounts: [2.5],
      }),
    );
  });

  it('skips unknown fields of every wire type at every level', () => {
    const unknown = (w: protobuf.Writer) => {
      w.uint32((90 << 3) | 0).uint64(7);
      w.uint32((91 << 3) | 1).fixed64(7);
      w.uint32((92 << 3) | 2).string('ignored');
      w.uint32((93 << 3) | 5).fixed32(7);
      w.uint32((94 << 3) | 3)
        .uint32((1 << 3) | 0)
        .uint32(1)
        .uint32((94 << 3) | 4); // a group
    };
    const w = protobuf.Writer.create();
    unknown(w);
    w.uint32((2 << 3) | 0).uint32(1); // field 2 is reserved in WriteRequest (Cortex's "source")
    w.uint32((1 << 3) | 2).fork(); // timeseries
    unknown(w);
    w.uint32((1 << 3) | 2).fork(); // labels
    w.uint32((1 << 3) | 2).string('__name__');
    unknown(w);
    w.uint32((2 << 3) | 2).string('up');
    w.ldelim();
    w.uint32((2 << 3) | 2).fork(); // samples
    unknown(w);
    w.uint32((1 << 3) | 1).double(1);
    w.uint32((2 << 3) | 0).int64(1000);
    w.ldelim();
    w.ldelim();
    expect(decodeWriteRequestProtobuf(w.finish())).toEqual({
      timeseries: [series({ __name__: 'up' }, { samples: [{ value: 1, timestamp: 1000, stale: false }] })],
      metadata: [],
    });
  });

  it('writes the staleness marker and ordinary NaN with the bits Prometheus uses', () => {
    const bytes = (stale: boolean) =>
      Buffer.from(
        encodeWriteRequestProtobuf({
          timeseries: [series({ __name__: 'x' }, { samples: [{ value: Number.NaN, timestamp: 1, stale }] })],
          metadata: [],
        }),
      );
    expect(bytes(true).includes(Buffer.from('0200000000 00f07f'.replace(' ', ''), 'hex'))).toBe(true);
    expect(bytes(false).includes(Buffer.from('01000000000 0f87f'.replace(' ', ''), 'hex'))).toBe(true);
  });

  it('tells the staleness marker from other NaNs by its bits', () => {
    const withValue = (hex: string) => {
      const w = protobuf.Writer.create();
      w.uint32((1 << 3) | 2).fork();
      w.uint32((1 << 3) | 2)
        .fork()
        .uint32((1 << 3) | 2)
        .string('__name__')
        .uint32((2 << 3) | 2)
        .string('x')
        .ldelim();
      const sample = Buffer.concat([Buffer.from([(1 << 3) | 1]), Buffer.from(hex, 'hex')]);
      w.uint32((2 << 3) | 2).bytes(sample);
      w.ldelim();
      return decodeWriteRequestProtobuf(w.finish()).timeseries[0]?.samples[0];
    };
    expect(withValue('020000000000f07f')).toMatchObject({ value: Number.NaN, stale: true });
    expect(withValue('010000000000f87f')).toMatchObject({ value: Number.NaN, stale: false });
    expect(withValue('000000000000f87f')).toMatchObject({ value: Number.NaN, stale: false });
    expect(withValue('030000000000f07f')).toMatchObject({ value: Number.NaN, stale: false });
  });

  it('keeps label order and duplicates as sent (validation is a separate step)', () => {
    const request: WriteRequest = {
      timeseries: [
        {
          labels: [...labels({ b: '1' }), ...labels({ a: '2' }), ...labels({ a: '3' })],
          samples: [],
          exemplars: [],
          histograms: [],
        },
      ],
      metadata: [],
    };
    expect(decodeWriteRequestProtobuf(encodeWriteRequestProtobuf(request))).toEqual(request);
  });
});
