export { ENV_XRAY_MODE, ENV_XRAY_TRACE_ID } from './env.js';
export { extractContext } from './extract/extract-context.js';
export { forEachRecord, recordContext } from './extract/records.js';
export { DYNAMODB_TRACEPARENT_ATTRIBUTE, DYNAMODB_TRACESTATE_ATTRIBUTE, PAYLOAD_FIELD } from './fields.js';
export { dynamoDbTraceAttributes } from './inject/dynamodb.js';
export {
  MAX_ASYNC_INVOKE_BYTES,
  MAX_CLIENT_CONTEXT_BYTES,
  MAX_EVENTBRIDGE_ENTRY_BYTES,
  MAX_KINESIS_RECORD_BYTES,
  MAX_MESSAGE_ATTRIBUTES,
  MAX_MESSAGE_BYTES,
} from './inject/limits.js';
export type { AwsClientLike, PropagationMiddlewareOptions } from './inject/middleware.js';
export {
  fireflyPropagationMiddleware,
  fireflyPropagationMiddlewareOptions,
  fireflyPropagationPlugin,
  instrumentAwsClient,
} from './inject/middleware.js';
export type {
  EventSource,
  ExtractedContext,
  ExtractOptions,
  FaasTrigger,
  LambdaContextLike,
} from './types.js';
