import { ClickHouseError } from '@clickhouse/client';
import { StorageError, type StorageErrorCode } from '@firefly/storage';
import { BACKEND } from './rows/scalars.js';

// ClickHouse error names (system.errors) by what a retry can do about them. Anything not listed is
// UNKNOWN, which the pipeline retries: dropping data on an unrecognized error would be worse.
const BY_TYPE: Readonly<Record<string, StorageErrorCode>> = {
  // Transient load or limits: the same insert later succeeds.
  TOO_MANY_PARTS: 'OVERLOADED',
  TOO_MANY_SIMULTANEOUS_QUERIES: 'OVERLOADED',
  TIMEOUT_EXCEEDED: 'OVERLOADED',
  MEMORY_LIMIT_EXCEEDED: 'OVERLOADED',
  SERVER_OVERLOADED: 'OVERLOADED',
  CANNOT_SCHEDULE_TASK: 'OVERLOADED',
  QUERY_WAS_CANCELLED: 'OVERLOADED',
  ABORTED: 'OVERLOADED',
  TABLE_IS_READ_ONLY: 'UNAVAILABLE',
  NETWORK_ERROR: 'UNAVAILABLE',
  SOCKET_TIMEOUT: 'UNAVAILABLE',
  ALL_CONNECTION_TRIES_FAILED: 'UNAVAILABLE',
  KEEPER_EXCEPTION: 'UNAVAILABLE',
  // The schema is not what this adapter writes: migrate first.
  UNKNOWN_TABLE: 'SCHEMA',
  UNKNOWN_DATABASE: 'SCHEMA',
  NO_SUCH_COLUMN_IN_TABLE: 'SCHEMA',
  THERE_IS_NO_COLUMN: 'SCHEMA',
  UNKNOWN_IDENTIFIER: 'SCHEMA',
  // Credentials and grants.
  AUTHENTICATION_FAILED: 'UNAUTHORIZED',
  REQUIRED_PASSWORD: 'UNAUTHORIZED',
  ACCESS_DENIED: 'UNAUTHORIZED',
  UNKNOWN_USER: 'UNAUTHORIZED',
  // The rows themselves: sending them again fails again.
  CANNOT_PARSE_INPUT_ASSERTION_FAILED: 'INVALID_DATA',
  CANNOT_PARSE_TEXT: 'INVALID_DATA',
  CANNOT_PARSE_NUMBER: 'INVALID_DATA',
  CANNOT_PARSE_DATETIME: 'INVALID_DATA',
  CANNOT_READ_ARRAY_FROM_TEXT: 'INVALID_DATA',
  INCORRECT_DATA: 'INVALID_DATA',
  INCORRECT_JSON: 'INVALID_DATA',
  TYPE_MISMATCH: 'INVALID_DATA',
  VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE: 'INVALID_DATA',
  ARGUMENT_OUT_OF_BOUND: 'INVALID_DATA',
  TOO_LARGE_STRING_SIZE: 'INVALID_DATA',
  SIZES_OF_ARRAYS_DONT_MATCH: 'INVALID_DATA',
  SIZES_OF_NESTED_COLUMNS_ARE_INCONSISTENT: 'INVALID_DATA',
  INCORRECT_NUMBER_OF_COLUMNS: 'INVALID_DATA',
  SYNTAX_ERROR: 'INVALID_DATA',
};

// Node socket errors: the server is down, restarting or unreachable.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);

// Errors whose type is shared with a transient condition, but whose message says the rows
// themselves are the cause. TOO_MANY_PARTS also reports a batch whose rows fall on more days than
// max_partitions_per_insert_block (100): the same batch fails the same way every time.
const BY_MESSAGE: readonly (readonly [RegExp, StorageErrorCode])[] = [
  [/Too many partitions for single INSERT block/i, 'INVALID_DATA'],
];

/** Any error from @clickhouse/client or the socket below it, as a classified `StorageError`. */
export function classify(error: unknown, doing: string): StorageError {
  if (error instanceof StorageError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ClickHouseError) {
    const code =
      BY_MESSAGE.find(([pattern]) => pattern.test(message))?.[1] ??
      (error.type === undefined ? undefined : BY_TYPE[error.type]) ??
      'UNKNOWN';
    return new StorageError(
      code,
      BACKEND,
      `${doing}: ClickHouse ${error.type ?? `error ${error.code}`}: ${firstLine(message)}`,
      {
        cause: error,
      },
    );
  }
  const errno = (error as { code?: unknown }).code;
  if (
    (typeof errno === 'string' && NETWORK_CODES.has(errno)) ||
    /^Timeout error\.|socket hang up/i.test(message)
  ) {
    return new StorageError('UNAVAILABLE', BACKEND, `${doing}: ClickHouse unreachable: ${message}`, {
      cause: error,
    });
  }
  return new StorageError('UNKNOWN', BACKEND, `${doing}: ${message}`, { cause: error });
}

function firstLine(message: string): string {
  const line = message.split('\n', 1)[0] ?? '';
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}
