import { diag, ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { isRecord } from '../carrier.js';
import { xrayMode, xrayTraceId } from '../env.js';
import type { ExtractedContext, ExtractOptions, LambdaContextLike } from '../types.js';
import { isDynamoDbRecord, matchDynamoDb } from './dynamodb.js';
import { matchEventBridge } from './eventbridge.js';
import { matchHttp } from './http.js';
import { isKinesisRecord, matchKinesis } from './kinesis.js';
import { clientContextCarrier, matchLambdaInvoke } from './lambda-invoke.js';
import { resolve } from './resolve.js';
import { isS3Record, matchS3 } from './s3.js';
import { isSnsRecord, matchSns } from './sns.js';
import type { SourceMatch } from './source-match.js';
import { isSqsRecord, matchSqs } from './sqs.js';

const UNKNOWN: SourceMatch = {
  source: 'unknown',
  trigger: 'other',
  spanKind: SpanKind.SERVER,
  attributes: {},
};

/**
 * The parent context, links and trigger attributes for the invocation span of a Lambda event.
 * Never throws: an event it does not recognize, or cannot read, is `unknown` and starts a new trace
 * (still continuing a synchronous invoker's context or X-Ray's, per the precedence rules).
 */
export function extractContext(
  event: unknown,
  lambdaContext?: LambdaContextLike,
  options?: ExtractOptions,
): ExtractedContext {
  const match = safely('event not recognized', () => detect(event, lambdaContext)) ?? UNKNOWN;
  try {
    const invocation = {
      invoker: safely('client context not readable', () => clientContextCarrier(lambdaContext)),
      xray: xrayTraceId(options?.xrayTraceId),
      mode: xrayMode(options?.xray),
    };
    return resolve(match, invocation);
  } catch (error) {
    diag.debug('@firefly/propagation: no context extracted', error);
    return { parent: ROOT_CONTEXT, links: [], ...UNKNOWN, attributes: { ...match.attributes } };
  }
}

function safely<T>(what: string, read: () => T | undefined): T | undefined {
  try {
    return read();
  } catch (error) {
    diag.debug(`@firefly/propagation: ${what}`, error);
    return undefined;
  }
}

function detect(event: unknown, lambdaContext: LambdaContextLike | undefined): SourceMatch | undefined {
  if (!isRecord(event)) return matchLambdaInvoke(event, lambdaContext);
  const records = event.Records;
  if (Array.isArray(records) && records.length > 0) {
    const first: unknown = records[0];
    if (isSqsRecord(first)) return matchSqs(records);
    if (isSnsRecord(first)) return matchSns(records);
    if (isKinesisRecord(first)) return matchKinesis(records);
    if (isDynamoDbRecord(first)) return matchDynamoDb(records);
    if (isS3Record(first)) return matchS3(records);
  }
  return matchHttp(event) ?? matchEventBridge(event) ?? matchLambdaInvoke(event, lambdaContext);
}
