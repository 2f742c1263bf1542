import { describe, expect, it } from 'vitest';
import { boundaryMetadata, cutBatches, pendingBatchEnd } from './batch-boundary.js';

const offsets = (from: number, count: number) => Array.from({ length: count }, (_, i) => BigInt(from + i));

describe('boundary metadata', () => {
  it('gives back the end of the batch pending at the committed offset', () => {
    expect(pendingBatchEnd('120', boundaryMetadata(120n, 131n))).toBe(131n);
    expect(pendingBatchEnd('7', boundaryMetadata(7n, 7n))).toBe(7n);
  });

  it('ignores metadata of another offset, of someone else, or none', () => {
    expect(pendingBatchEnd('132', boundaryMetadata(120n, 131n))).toBeUndefined();
    expect(pendingBatchEnd('120', null)).toBeUndefined();
    expect(pendingBatchEnd('120', '')).toBeUndefined();
    expect(pendingBatchEnd('120', 'some-other-tool:120-131')).toBeUndefined();
    expect(pendingBatchEnd('120', 'firefly-batch:120-1x1')).toBeUndefined();
    expect(pendingBatchEnd('-1', boundaryMetadata(120n, 131n))).toBeUndefined();
    expect(pendingBatchEnd('120', 'firefly-batch:120-119')).toBeUndefined();
  });

  it('keeps offsets past 2^53 exact', () => {
    const first = 2n ** 60n + 1n;
    expect(pendingBatchEnd(String(first), boundaryMetadata(first, first + 9n))).toBe(first + 9n);
  });
});

describe('cutting records into batches', () => {
  it('fills batches up to maxItems, a larger record alone', () => {
    const cut = cutBatches({
      offsets: offsets(10, 6),
      items: [3, 3, 3, 12, 1, 1],
      maxItems: 10,
      coveredTo: 15n,
    });
    expect(cut).toEqual({
      batches: [
        [0, 3],
        [3, 4],
        [4, 6],
      ],
    });
  });

  it('lets undecodable records (no items) ride along', () => {
    const cut = cutBatches({ offsets: offsets(0, 4), items: [5, 0, 5, 0], maxItems: 10, coveredTo: 3n });
    expect(cut.batches).toEqual([[0, 4]]);
  });

  it('cuts a pending batch exactly at its recorded end, then goes on as usual', () => {
    // Without the recorded end the first batch would be [0, 3): a different id, stored again.
    const cut = cutBatches({
      offsets: offsets(50, 6),
      items: [2, 2, 2, 2, 2, 2],
      maxItems: 6,
      replayEnd: 50n,
      coveredTo: 55n,
    });
    expect(cut.batches).toEqual([
      [0, 1],
      [1, 4],
      [4, 6],
    ]);
  });

  it('keeps a pending batch larger than maxItems whole', () => {
    const cut = cutBatches({
      offsets: offsets(0, 5),
      items: [4, 4, 4, 4, 4],
      maxItems: 4,
      replayEnd: 3n,
      coveredTo: 4n,
    });
    expect(cut.batches).toEqual([
      [0, 4],
      [4, 5],
    ]);
  });

  it('carries everything over while the pending batch ends beyond what was fetched', () => {
    const cut = cutBatches({
      offsets: offsets(0, 3),
      items: [1, 1, 1],
      maxItems: 100,
      replayEnd: 9n,
      coveredTo: 2n,
    });
    expect(cut).toEqual({ batches: [], carryFrom: 0 });
  });

  it('ends the pending batch at the last record before its end when records in between are missing', () => {
    const cut = cutBatches({
      offsets: [0n, 1n, 5n, 6n],
      items: [1, 1, 1, 1],
      maxItems: 100,
      replayEnd: 3n,
      coveredTo: 6n,
    });
    expect(cut.batches).toEqual([
      [0, 2],
      [2, 4],
    ]);
  });
});
