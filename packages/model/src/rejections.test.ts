import { describe, expect, it } from 'vitest';
import { Rejections } from './rejections.js';

describe('Rejections', () => {
  it('is empty until something is rejected', () => {
    const rejections = new Rejections();
    expect(rejections.count).toBe(0);
    expect(rejections.message).toBe('');
  });

  it('counts items, lists the first five reasons and says how many reasons it left out', () => {
    const rejections = new Rejections();
    rejections.add('series 0 is unsorted', 3);
    for (let i = 1; i <= 6; i++) rejections.add(`point ${i} has no name`);
    expect(rejections.count).toBe(9);
    expect(rejections.message).toBe(
      'series 0 is unsorted; point 1 has no name; point 2 has no name; point 3 has no name; point 4 has no name; and 2 more',
    );
  });
});
