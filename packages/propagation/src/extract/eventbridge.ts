import { type Attributes, SpanKind } from '@opentelemetry/api';
import {
  ATTR_FAAS_TIME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  MESSAGING_SYSTEM_AWS_EVENTBRIDGE,
} from '../attributes.js';
import { stringField } from '../carrier.js';
import { payloadCarrier } from './lambda-invoke.js';
import type { SourceMatch } from './source-match.js';

/** Sources of the scheduled events of EventBridge rules (`aws.events`) and of EventBridge Scheduler. */
const SCHEDULE_SOURCES = new Set(['aws.events', 'aws.scheduler']);

/** An EventBridge event: context in `detail._firefly`, where `fireflyPropagationMiddleware` puts it. */
export function matchEventBridge(event: Record<string, unknown>): SourceMatch | undefined {
  const detailType = stringField(event, 'detail-type');
  const source = stringField(event, 'source');
  if (detailType === undefined || source === undefined || !('detail' in event)) return undefined;
  if (detailType === 'Scheduled Event' && SCHEDULE_SOURCES.has(source)) return schedule(event);
  const attributes: Attributes = {
    [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_AWS_EVENTBRIDGE,
    [ATTR_MESSAGING_OPERATION_TYPE]: 'process',
    [ATTR_MESSAGING_OPERATION_NAME]: 'process',
  };
  const id = stringField(event, 'id');
  if (id !== undefined) attributes[ATTR_MESSAGING_MESSAGE_ID] = id;
  return {
    source: 'eventbridge',
    trigger: 'pubsub',
    spanKind: SpanKind.CONSUMER,
    attributes,
    carrier: payloadCarrier(event.detail),
  };
}

/** Scheduled events start a new trace: nothing upstream caused them. */
function schedule(event: Record<string, unknown>): SourceMatch {
  const time = stringField(event, 'time');
  return {
    source: 'schedule',
    trigger: 'timer',
    spanKind: SpanKind.SERVER,
    attributes: time === undefined ? {} : { [ATTR_FAAS_TIME]: time },
  };
}
