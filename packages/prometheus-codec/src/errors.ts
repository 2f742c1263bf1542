/** Why a remote write body could not be decoded. Every one is permanent: answer 400, do not retry. */
export type RemoteWriteDecodeErrorCode =
  /** The body is not snappy block format, or its stated size does not match its content. */
  | 'INVALID_SNAPPY'
  /** The decompressed body, or its number of messages, would exceed the configured limit. */
  | 'TOO_LARGE'
  /** The decompressed body is not a valid protobuf `WriteRequest`. */
  | 'INVALID_PROTOBUF'
  /** A label name or value, or a metadata string, is not valid UTF-8. */
  | 'INVALID_UTF8';

export class RemoteWriteDecodeError extends Error {
  override readonly name = 'RemoteWriteDecodeError';
  readonly code: RemoteWriteDecodeErrorCode;

  constructor(code: RemoteWriteDecodeErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
