/** What went wrong, in words a pipeline can branch on. */
export type StorageErrorCode =
  /** The backend could not be reached, or the connection broke (retryable). */
  | 'UNAVAILABLE'
  /** The backend is overloaded or a limit was hit for now: too many parts, memory, timeouts (retryable). */
  | 'OVERLOADED'
  /** The data cannot be stored as it is: a value out of range, a type the schema refuses (permanent). */
  | 'INVALID_DATA'
  /** The batch itself is malformed, e.g. an empty or overlong id (permanent). */
  | 'INVALID_BATCH'
  /** The schema is missing or older than this adapter needs: run migrate (permanent until then). */
  | 'SCHEMA'
  /** Credentials or permissions were refused (permanent until configuration changes). */
  | 'UNAUTHORIZED'
  /** The adapter was closed (permanent). */
  | 'CLOSED'
  /** Anything the adapter could not classify; treated as retryable, so nothing is dropped silently. */
  | 'UNKNOWN';

const CODES: ReadonlySet<string> = new Set<StorageErrorCode>([
  'UNAVAILABLE',
  'OVERLOADED',
  'INVALID_DATA',
  'INVALID_BATCH',
  'SCHEMA',
  'UNAUTHORIZED',
  'CLOSED',
  'UNKNOWN',
]);
const RETRYABLE: ReadonlySet<StorageErrorCode> = new Set(['UNAVAILABLE', 'OVERLOADED', 'UNKNOWN']);
const REFUSES_DATA: ReadonlySet<StorageErrorCode> = new Set(['INVALID_DATA', 'INVALID_BATCH']);
const AWAITS_CONFIGURATION: ReadonlySet<StorageErrorCode> = new Set(['SCHEMA', 'UNAUTHORIZED']);

/**
 * Every error an adapter throws from a write. Its `code` falls in one of four classes, each telling
 * a pipeline what to do with the batch:
 *
 * - **Retryable** (`UNAVAILABLE`, `OVERLOADED`, `UNKNOWN`; {@link isRetryable}): the same batch may
 *   succeed later as it is. Send it again with backoff.
 * - **Awaits configuration** (`SCHEMA`, `UNAUTHORIZED`; {@link awaitsConfiguration}): permanent for
 *   the adapter, but no fault of the data: once the schema is migrated or the credentials fixed, the
 *   same batch is stored. Keep it and retry it like a retryable error, reporting the problem (e.g.
 *   as not ready) meanwhile; never drop or dead-letter it for this, or a configuration mistake would
 *   cost the whole backlog.
 * - **Refuses data** (`INVALID_DATA`, `INVALID_BATCH`; {@link refusesData}): the records themselves
 *   cannot be stored, and sending them again never helps. The only class after which a pipeline may
 *   set records aside (a dead-letter path); a batch refused with `INVALID_DATA` may be split to set
 *   aside only the records at fault.
 * - **Closed** (`CLOSED`): the adapter was closed, as at shutdown. Give the batch up without
 *   setting it aside; a durable buffer writes it again after a restart.
 *
 * `retryable` is true for the first class only: whether sending the batch again can succeed without
 * anyone changing anything.
 */
export class StorageError extends Error {
  override readonly name = 'StorageError';
  readonly code: StorageErrorCode;
  readonly retryable: boolean;
  /** The backend that raised it, e.g. `clickhouse`. */
  readonly backend: string;

  constructor(code: StorageErrorCode, backend: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.backend = backend;
    this.retryable = RETRYABLE.has(code);
  }
}

/**
 * Whether retrying can help. Errors that are not `StorageError`s are retryable: as in the
 * OpenTelemetry Collector, only an explicitly permanent error stops retries. Recognized by shape,
 * not `instanceof`, so an adapter that bundles its own copy of this package is still understood.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof StorageError) return error.retryable;
  const candidate = error as { name?: unknown; retryable?: unknown } | null;
  if (candidate?.name === 'StorageError' && typeof candidate.retryable === 'boolean')
    return candidate.retryable;
  return true;
}

/**
 * The `code` of a `StorageError`, recognized by shape like {@link isRetryable}; `UNKNOWN` for any
 * other error, and for a code this version of the package does not know.
 */
export function storageErrorCode(error: unknown): StorageErrorCode {
  const candidate = error as { name?: unknown; code?: unknown } | null;
  return candidate?.name === 'StorageError' && typeof candidate.code === 'string' && CODES.has(candidate.code)
    ? (candidate.code as StorageErrorCode)
    : 'UNKNOWN';
}

/**
 * Whether storage refused the records themselves (`INVALID_DATA`, `INVALID_BATCH`): the only errors
 * after which a pipeline may set records aside instead of writing them again.
 */
export function refusesData(error: unknown): boolean {
  return REFUSES_DATA.has(storageErrorCode(error));
}

/**
 * Whether the write waits for storage to be configured (`SCHEMA`: migrations not run;
 * `UNAUTHORIZED`: credentials or grants refused): permanent until someone fixes it, after which the
 * same batch is stored. Retry it; never drop or dead-letter it for this.
 */
export function awaitsConfiguration(error: unknown): boolean {
  return AWAITS_CONFIGURATION.has(storageErrorCode(error));
}
