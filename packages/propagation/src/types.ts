import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';

/** The Lambda event sources this package recognizes. */
export type EventSource =
  | 'api-gateway-rest'
  | 'api-gateway-http'
  | 'alb'
  | 'function-url'
  | 'sqs'
  | 'sns'
  | 'eventbridge'
  | 'lambda-invoke'
  | 'kinesis'
  | 'dynamodb'
  | 's3'
  | 'schedule'
  | 'unknown';

/** `faas.trigger` values of the OpenTelemetry semantic conventions. */
export type FaasTrigger = 'http' | 'pubsub' | 'datasource' | 'timer' | 'other';

/** What an invocation span needs to know about the event that started it. */
export interface ExtractedContext {
  /**
   * The context to start the invocation span in: holds the remote parent span context from the
   * event's W3C `traceparent` (and its baggage), or no span at all for a new root.
   */
  parent: Context;
  /**
   * Links to other contexts the event carried: X-Ray trace headers (unless `xray: 'parent'`), and
   * one per record for batches (SQS, Kinesis, DynamoDB) whose records carry their own context.
   */
  links: Link[];
  source: EventSource;
  trigger: FaasTrigger;
  /** SERVER for HTTP sources, CONSUMER for messaging and streams, SERVER otherwise. */
  spanKind: SpanKind;
  /** Semantic-convention attributes of the trigger (http.request.method, messaging.system, …). */
  attributes: Attributes;
}

/** The fields of the Lambda context object this package reads. */
export interface LambdaContextLike {
  awsRequestId?: string;
  invokedFunctionArn?: string;
  functionName?: string;
  /** Set on direct invokes with a client context (the AWS SDK's Invoke ClientContext). */
  clientContext?: { custom?: Record<string, unknown> } | undefined;
}

export interface ExtractOptions {
  /**
   * What an X-Ray trace header (`_X_AMZN_TRACE_ID`, `X-Amzn-Trace-Id`, SQS `AWSTraceHeader`) becomes:
   * a span link (default), the parent when no W3C `traceparent` is present (`parent`), or nothing.
   * A W3C `traceparent` is always the parent when present.
   */
  xray?: 'link' | 'parent' | 'ignore';
  /** The X-Ray header of the invocation; default `process.env._X_AMZN_TRACE_ID`. */
  xrayTraceId?: string | undefined;
}
