import { FirehoseError } from '../errors.js';

/**
 * What happened to one record. Firehose counts Ok and Dropped as processed; ProcessingFailed
 * records are counted as failed and delivered, with their original data, to the stream's S3
 * error output (`processing-failed/`).
 */
export type TransformationResult = 'Ok' | 'Dropped' | 'ProcessingFailed';

/** Dynamic partitioning keys for a transformed record. */
export interface TransformationMetadata {
  partitionKeys: Record<string, string>;
}

/** One record of a data-transformation Lambda's response. */
export interface TransformationResponseRecord {
  recordId: string;
  result: TransformationResult;
  /** The transformed data, base64; '' for Dropped and ProcessingFailed. */
  data: string;
  metadata?: TransformationMetadata;
}

/** What a data-transformation Lambda returns to Firehose. */
export interface TransformationResponse {
  records: TransformationResponseRecord[];
}

/** The outcome of transforming one record, as the builder takes it. */
export interface TransformationOutcome {
  recordId: string;
  result: TransformationResult;
  /** The transformed bytes; used only when `result` is Ok. */
  data?: Uint8Array;
  metadata?: TransformationMetadata;
}

/** Lambda's limit on a synchronous invocation's response: 6 MB. */
export const MAX_TRANSFORMATION_RESPONSE_BYTES = 6 * 1024 * 1024;

export interface TransformationResponseOptions {
  /** The largest serialized response; default 6 MiB, Lambda's synchronous response limit. */
  maxBytes?: number;
}

export interface BuiltTransformationResponse {
  response: TransformationResponse;
  /** The response's size as Lambda serializes it (UTF-8 JSON). */
  bytes: number;
  /** Records answered ProcessingFailed because their transformed data did not fit. */
  overflowed: string[];
  /** Records the outcomes did not mention, answered ProcessingFailed. */
  unanswered: string[];
}

const ENVELOPE_BYTES = '{"records":[]}'.length;

/**
 * Builds the response to a data-transformation invocation: one entry per event record, in event
 * order, as Firehose requires (a missing or unknown record id fails the whole batch).
 *
 * The response must fit Lambda's 6 MB limit, or the invocation fails and Firehose retries the whole
 * batch. Space for a ProcessingFailed answer to every record is set aside first; then records take
 * the room their transformed data needs, in event order. A record whose data does not fit is
 * answered ProcessingFailed instead (listed in `overflowed`), so Firehose keeps its original data
 * in the S3 error output rather than losing it, and every record before it is delivered.
 */
export function buildTransformationResponse(
  eventRecords: readonly { recordId: string }[],
  outcomes: readonly TransformationOutcome[],
  options: TransformationResponseOptions = {},
): BuiltTransformationResponse {
  const maxBytes = options.maxBytes ?? MAX_TRANSFORMATION_RESPONSE_BYTES;
  const byId = outcomesById(eventRecords, outcomes);
  const fallbacks = eventRecords.map(({ recordId }) => failed(recordId));
  const fallbackSizes = fallbacks.map(byteSize);
  const fixed = ENVELOPE_BYTES + Math.max(0, eventRecords.length - 1);
  let budget = maxBytes - fixed - fallbackSizes.reduce((sum, size) => sum + size, 0);
  if (budget < 0)
    throw new FirehoseError(
      'RESPONSE_TOO_LARGE',
      `answering ${eventRecords.length} records needs at least ${maxBytes - budget} bytes, more than the limit of ${maxBytes}`,
    );
  const records: TransformationResponseRecord[] = [];
  const overflowed: string[] = [];
  const unanswered: string[] = [];
  let bytes = fixed;
  eventRecords.forEach(({ recordId }, i) => {
    const outcome = byId.get(recordId);
    const fallback = fallbacks[i] as TransformationResponseRecord;
    const fallbackSize = fallbackSizes[i] as number;
    if (outcome === undefined) unanswered.push(recordId);
    const entry = outcome === undefined ? fallback : toEntry(outcome);
    const size = entry === fallback ? fallbackSize : byteSize(entry);
    if (size - fallbackSize <= budget) {
      budget -= size - fallbackSize;
      records.push(entry);
      bytes += size;
    } else {
      overflowed.push(recordId);
      records.push(fallback);
      bytes += fallbackSize;
    }
  });
  return { response: { records }, bytes, overflowed, unanswered };
}

function outcomesById(
  eventRecords: readonly { recordId: string }[],
  outcomes: readonly TransformationOutcome[],
): Map<string, TransformationOutcome> {
  const known = new Set(eventRecords.map((record) => record.recordId));
  const byId = new Map<string, TransformationOutcome>();
  for (const outcome of outcomes) {
    if (!known.has(outcome.recordId))
      throw new FirehoseError(
        'INVALID_RECORD_ID',
        `outcome for record ${JSON.stringify(outcome.recordId)}, which is not in the event`,
      );
    if (byId.has(outcome.recordId))
      throw new FirehoseError(
        'INVALID_RECORD_ID',
        `two outcomes for record ${JSON.stringify(outcome.recordId)}`,
      );
    if (outcome.result !== 'Ok' && outcome.result !== 'Dropped' && outcome.result !== 'ProcessingFailed')
      throw new TypeError(
        `record ${JSON.stringify(outcome.recordId)}: unknown result ${String(outcome.result)}`,
      );
    byId.set(outcome.recordId, outcome);
  }
  return byId;
}

function toEntry(outcome: TransformationOutcome): TransformationResponseRecord {
  const data =
    outcome.result === 'Ok' && outcome.data !== undefined
      ? Buffer.from(outcome.data.buffer, outcome.data.byteOffset, outcome.data.byteLength).toString('base64')
      : '';
  const entry: TransformationResponseRecord = { recordId: outcome.recordId, result: outcome.result, data };
  if (outcome.metadata !== undefined) entry.metadata = outcome.metadata;
  return entry;
}

function failed(recordId: string): TransformationResponseRecord {
  return { recordId, result: 'ProcessingFailed', data: '' };
}

function byteSize(entry: TransformationResponseRecord): number {
  return Buffer.byteLength(JSON.stringify(entry));
}
