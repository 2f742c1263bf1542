/**
 * Deterministic storage batches. A batch's id is its offset range (and its first record's
 * timestamp), and storage drops an id it has stored, so a replayed batch is deduplicated only if
 * it is cut exactly as before. Before a
 * batch [first..last] is written, the consumer commits `first` with metadata naming `last`; a
 * consumer that later resumes from that commit (after a crash, a rebalance or a failed write)
 * reads the metadata and cuts its first batch at `last` again, whatever its fetches return.
 */

const PREFIX = 'firefly-batch:';

/** The offset metadata committed with a batch's first offset before the batch is written. */
export function boundaryMetadata(first: bigint, last: bigint): string {
  return `${PREFIX}${first}-${last}`;
}

/**
 * The last offset of the batch that was being written from `committedOffset`, if its metadata
 * says so (any other metadata, or a range that does not start there, means no batch was pending).
 */
export function pendingBatchEnd(committedOffset: string, metadata: string | null): bigint | undefined {
  if (metadata === null || !metadata.startsWith(PREFIX)) return undefined;
  const match = /^(\d+)-(\d+)$/.exec(metadata.slice(PREFIX.length));
  if (match === null) return undefined;
  const [, first, last] = match as unknown as [string, string, string];
  if (!/^\d+$/.test(committedOffset) || BigInt(first) !== BigInt(committedOffset)) return undefined;
  return BigInt(last) >= BigInt(first) ? BigInt(last) : undefined;
}

export interface CutInput {
  /** Offsets of the records, ascending. */
  readonly offsets: readonly bigint[];
  /** Items in each record (0 for one that cannot be decoded). */
  readonly items: readonly number[];
  readonly maxItems: number;
  /** The end of a batch that must be cut again exactly (see {@link pendingBatchEnd}). */
  readonly replayEnd?: bigint | undefined;
  /** The last offset the fetched records cover (control records included). */
  readonly coveredTo: bigint;
}

export interface Cut {
  /** Batches as [start, end) indexes into the records. */
  readonly batches: readonly (readonly [number, number])[];
  /** Records from this index on wait for the next fetch: the pending batch ends beyond them. */
  readonly carryFrom?: number;
}

/**
 * Cuts records into batches of at most `maxItems` items (a single larger record is a batch of
 * its own), except that a pending batch is cut exactly where it ended, whatever its size.
 */
export function cutBatches(input: CutInput): Cut {
  const { offsets, items, maxItems, replayEnd } = input;
  const batches: (readonly [number, number])[] = [];
  let start = 0;
  if (replayEnd !== undefined) {
    if (input.coveredTo < replayEnd) return { batches, carryFrom: 0 };
    let end = offsets.findIndex((offset) => offset > replayEnd);
    if (end === -1) end = offsets.length;
    if (end > 0) batches.push([0, end]);
    start = end;
  }
  while (start < offsets.length) {
    let end = start;
    let count = 0;
    do {
      count += items[end] ?? 0;
      end += 1;
    } while (end < offsets.length && count + (items[end] ?? 0) <= maxItems);
    batches.push([start, end]);
    start = end;
  }
  return { batches };
}
