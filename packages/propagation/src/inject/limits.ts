/** SQS and SNS accept at most 10 message attributes per message. */
export const MAX_MESSAGE_ATTRIBUTES = 10;
/**
 * The classic size limit of an SQS or SNS message — body and message attributes (name, data type
 * and value) together — and of a whole `SendMessageBatch` or `PublishBatch`. Treated like the
 * payload limits below.
 */
export const MAX_MESSAGE_BYTES = 256 * 1024;
/** Lambda rejects an `Invoke` whose base64 ClientContext is longer than this. */
export const MAX_CLIENT_CONTEXT_BYTES = 3583;
/**
 * The classic payload limits of async invokes and EventBridge entries (256 KiB), and of a Kinesis
 * record (1 MiB). Injection never pushes a payload across one; a payload already above it is the
 * caller's choice (the service may allow more now) and is injected.
 */
export const MAX_ASYNC_INVOKE_BYTES = 256 * 1024;
export const MAX_EVENTBRIDGE_ENTRY_BYTES = 256 * 1024;
export const MAX_KINESIS_RECORD_BYTES = 1024 * 1024;
