import { StorageError } from './errors.js';

/** Longest batch id adapters must accept (ClickHouse's dedup tokens and most keys fit far more). */
export const MAX_BATCH_ID_LENGTH = 512;

/**
 * The id of a batch consumed from Kafka: the same records always give the same id, so a replay
 * after a crash is deduplicated by the backend. Offsets are inclusive.
 *
 * Offsets alone start again at 0 when a topic is deleted and created again, or the pipeline moves
 * to a new Kafka cluster, while the backend still remembers the ids it stored: new records would be
 * dropped as replays of old ones. `firstTimestamp`, the Kafka timestamp of the batch's first record,
 * tells such copies apart, and a replay reads that same record again, so it keeps the id the same.
 *
 * Without `firstTimestamp`: `kafka:<topic>/<partition>/<firstOffset>-<lastOffset>`; with it,
 * `kafka:<topic>/<partition>/<firstOffset>-<lastOffset>@<firstTimestamp>`.
 */
export function kafkaBatchId(source: {
  topic: string;
  partition: number;
  firstOffset: string | bigint;
  lastOffset: string | bigint;
  /** The first record's Kafka timestamp (milliseconds since the epoch, as Kafka stores it). */
  firstTimestamp?: string | bigint | number | undefined;
}): string {
  const range = `kafka:${source.topic}/${source.partition}/${source.firstOffset}-${source.lastOffset}`;
  return source.firstTimestamp === undefined ? range : `${range}@${source.firstTimestamp}`;
}

/** Throws a permanent `INVALID_BATCH` error unless `id` is a usable batch id. */
export function checkBatchId(id: string, backend: string): void {
  if (typeof id !== 'string' || id.length === 0) {
    throw new StorageError('INVALID_BATCH', backend, 'the batch id is empty');
  }
  if (id.length > MAX_BATCH_ID_LENGTH) {
    throw new StorageError(
      'INVALID_BATCH',
      backend,
      `the batch id is ${id.length} characters, over ${MAX_BATCH_ID_LENGTH}`,
    );
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(id)) {
    throw new StorageError(
      'INVALID_BATCH',
      backend,
      `the batch id ${JSON.stringify(id)} contains control characters`,
    );
  }
}
