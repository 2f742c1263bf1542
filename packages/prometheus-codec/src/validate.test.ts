import { describe, expect, it } from 'vitest';
import { precedesInByteOrder } from './validate.js';

describe('label order', () => {
  it('is UTF-8 byte order, as Prometheus sorts, not UTF-16 order', () => {
    expect(precedesInByteOrder('__name__', 'job')).toBe(true);
    expect(precedesInByteOrder('a', 'ab')).toBe(true);
    expect(precedesInByteOrder('ab', 'a')).toBe(false);
    expect(precedesInByteOrder('a', 'a')).toBe(false);
    // U+FF61 (EF BD A1) sorts before U+1F525 (F0 9F 94 A5) by bytes; UTF-16 says the opposite.
    expect('\u{1F525}' < '\uFF61').toBe(true);
    expect(precedesInByteOrder('\uFF61', '\u{1F525}')).toBe(true);
    expect(precedesInByteOrder('\u{1F525}', '\uFF61')).toBe(false);
  });
});
