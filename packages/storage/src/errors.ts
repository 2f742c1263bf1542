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

const RETRYABLE: ReadonlySet<StorageErrorCode> = new Set(['UNAVAILABLE', 'OVERLOADED', 'UNKNOWN']);

/**
 * Every error an adapter throws from a write. `retryable` tells the pipeline whether sending the
 * same batch again later can succeed; a permanent error sends the batch to the dead-letter path.
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
