/**
 * Where Firefly puts trace context when AWS offers no header for it. The injectors write these and
 * the extractors read them; changing one side without the other breaks every hop in between.
 */

/**
 * A JSON object field `{ traceparent, tracestate?, baggage? }` added to: the payload of async
 * (`InvocationType: 'Event'`) Lambda invokes, the `detail` of EventBridge events, and (opt-in) the
 * JSON data of Kinesis records.
 */
export const PAYLOAD_FIELD = '_firefly';

/** DynamoDB item attributes (type S) written by `dynamoDbTraceAttributes()`. */
export const DYNAMODB_TRACEPARENT_ATTRIBUTE = '_firefly_traceparent';
export const DYNAMODB_TRACESTATE_ATTRIBUTE = '_firefly_tracestate';

/** Keys of a carrier: W3C Trace Context and Baggage header names. */
export const TRACEPARENT = 'traceparent';
export const TRACESTATE = 'tracestate';
export const BAGGAGE = 'baggage';
export const XRAY_HEADER = 'x-amzn-trace-id';
