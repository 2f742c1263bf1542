import { FirehoseError } from '@firefly/cloudwatch-codec';
import { OtlpDecodeError } from '@firefly/otlp-codec';
import { RemoteWriteDecodeError } from '@firefly/prometheus-codec';
import { PipelineError } from '../pipeline/pipeline.js';

/** Why a receiver refused a request. Every receiver answers with these, each in its protocol's body. */
export type ReceiverErrorCode =
  | 'INVALID_BODY'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'BODY_TOO_LARGE'
  | 'UNAUTHORIZED'
  | 'SATURATED'
  | 'UNAVAILABLE'
  | 'STOPPED'
  | 'INTERNAL';

/** The `reason` label of firefly_receiver_items_rejected_total. */
export type RejectionReason =
  | 'invalid'
  | 'too_large'
  | 'unauthorized'
  | 'saturated'
  | 'unavailable'
  | 'internal';

export interface ReceiverErrorSpec {
  status: number;
  /** Whether the sender should send the same request again later (429/503, with Retry-After). */
  retryable: boolean;
  reason: RejectionReason;
  /** google.rpc.Code, for OTLP's Status body. */
  grpcCode: number;
  /** Used when no detail is given; the only message for UNAUTHORIZED, so it tells nothing. */
  message: string;
}

/** The catalogue: one entry per code. */
export const RECEIVER_ERRORS: Readonly<Record<ReceiverErrorCode, ReceiverErrorSpec>> = {
  INVALID_BODY: {
    status: 400,
    retryable: false,
    reason: 'invalid',
    grpcCode: 3, // INVALID_ARGUMENT
    message: 'the request body is invalid',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    retryable: false,
    reason: 'invalid',
    grpcCode: 3,
    message: 'the content type or content encoding is not supported',
  },
  BODY_TOO_LARGE: {
    status: 413,
    retryable: false,
    reason: 'too_large',
    grpcCode: 8, // RESOURCE_EXHAUSTED, as gRPC answers a message over its size limit
    message: 'the request body is too large',
  },
  UNAUTHORIZED: {
    status: 401,
    retryable: false,
    reason: 'unauthorized',
    grpcCode: 16, // UNAUTHENTICATED
    message: 'missing or invalid credentials',
  },
  SATURATED: {
    status: 429,
    retryable: true,
    reason: 'saturated',
    grpcCode: 8,
    message: 'the collector is busy; retry later',
  },
  UNAVAILABLE: {
    status: 503,
    retryable: true,
    reason: 'unavailable',
    grpcCode: 14, // UNAVAILABLE
    message: 'the collector cannot store data now; retry later',
  },
  STOPPED: {
    status: 503,
    retryable: true,
    reason: 'unavailable',
    grpcCode: 14,
    message: 'the collector is shutting down; retry later',
  },
  INTERNAL: {
    status: 500,
    retryable: false,
    reason: 'internal',
    grpcCode: 13, // INTERNAL
    message: 'internal error',
  },
};

export class ReceiverError extends Error {
  override readonly name = 'ReceiverError';
  readonly spec: ReceiverErrorSpec;
  /** Sent as Retry-After; set on retryable errors only. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: ReceiverErrorCode,
    detail?: string,
    options?: { retryAfterSeconds?: number; cause?: unknown },
  ) {
    const spec = RECEIVER_ERRORS[code];
    super(detail ?? spec.message, { cause: options?.cause });
    this.spec = spec;
    this.retryAfterSeconds = spec.retryable ? options?.retryAfterSeconds : undefined;
  }

  get status(): number {
    return this.spec.status;
  }
}

/**
 * Classifies anything a receiver's route can throw — its own errors, the pipeline's, the codecs',
 * fastify's body errors — as one catalogue entry. Unknown errors become INTERNAL, whose message
 * hides them from the sender (they are logged).
 */
export function toReceiverError(error: unknown, bodyLimitBytes?: number): ReceiverError {
  if (error instanceof ReceiverError) return error;
  if (error instanceof PipelineError) {
    return new ReceiverError(error.code, error.message, {
      retryAfterSeconds: error.retryAfterSeconds,
      cause: error,
    });
  }
  if (error instanceof OtlpDecodeError) {
    const code = error.code === 'UNSUPPORTED_CONTENT_TYPE' ? 'UNSUPPORTED_MEDIA_TYPE' : 'INVALID_BODY';
    return new ReceiverError(code, error.message, { cause: error });
  }
  if (error instanceof RemoteWriteDecodeError) {
    const code = error.code === 'TOO_LARGE' ? 'BODY_TOO_LARGE' : 'INVALID_BODY';
    return new ReceiverError(code, error.message, { cause: error });
  }
  if (error instanceof FirehoseError) return byStatus(error.statusCode, error.message, error);
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // fastify's own errors: body over the limit, Content-Length not matching the body, …
    const message =
      status === 413 && bodyLimitBytes !== undefined
        ? `the request body is larger than the limit of ${bodyLimitBytes} bytes`
        : (error as Error).message;
    return byStatus(status, message, error);
  }
  return new ReceiverError('INTERNAL', undefined, { cause: error });
}

function byStatus(status: number, message: string, cause: unknown): ReceiverError {
  if (status === 413) return new ReceiverError('BODY_TOO_LARGE', message, { cause });
  if (status === 415) return new ReceiverError('UNSUPPORTED_MEDIA_TYPE', message, { cause });
  if (status >= 400 && status < 500) return new ReceiverError('INVALID_BODY', message, { cause });
  return new ReceiverError('INTERNAL', undefined, { cause });
}
