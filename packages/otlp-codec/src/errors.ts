/** Why a payload could not be decoded. Every one is permanent: retrying the same bytes fails again. */
export type OtlpDecodeErrorCode =
  /** The input ends inside a field. */
  | 'TRUNCATED'
  /** A field's wire type is not what the schema (or protobuf) allows. */
  | 'INVALID_WIRE_TYPE'
  /** A length, varint or tag is out of range. */
  | 'INVALID_LENGTH'
  /** A string is not valid UTF-8. */
  | 'INVALID_UTF8'
  /** Values nest deeper than the limit. */
  | 'TOO_DEEP'
  /** The body is not JSON, or a JSON field has the wrong type or format. */
  | 'INVALID_JSON'
  /** The content type is neither protobuf nor JSON. */
  | 'UNSUPPORTED_CONTENT_TYPE';

export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
  readonly code: OtlpDecodeErrorCode;

  constructor(code: OtlpDecodeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
