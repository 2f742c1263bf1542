import type { Span } from '@firefly/model';
import { describe, expect, it } from 'vitest';
import { lambdaSpans } from '../../test-support/storage.js';
import { writeSpan } from '../rows/span-layout.js';
import { RowBinaryEncoder } from './row-binary.js';

function encode(encoder: RowBinaryEncoder, spans: readonly Span[]): Buffer[] {
  for (const [i, span] of spans.entries()) writeSpan(encoder, span, i);
  return encoder.finish();
}

describe('RowBinaryEncoder buffers', () => {
  it('start at 64 KiB, so a batch of a few rows holds no more', () => {
    const [chunk, ...rest] = encode(new RowBinaryEncoder(), lambdaSpans(3));
    expect(rest).toEqual([]);
    expect(chunk?.buffer.byteLength).toBe(64 * 1024);
  });

  it('double up to 1 MiB chunks, with rows across chunk ends, and the bytes of one big buffer', () => {
    const spans = lambdaSpans(20_000);
    const chunks = encode(new RowBinaryEncoder(), spans);
    const sizes = chunks.map((c) => c.buffer.byteLength);
    expect(sizes.slice(0, 6)).toEqual([64, 128, 256, 512, 1024, 1024].map((k) => k * 1024));
    expect(Math.max(...sizes)).toBe(1024 * 1024);
    const whole = Buffer.concat(chunks);
    expect(Buffer.concat(encode(new RowBinaryEncoder(whole.length), spans)).equals(whole)).toBe(true);
  });
});
