import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { propagation, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractContext } from '../extract/extract-context.js';
import { type AwsEndpoint, clientConfig, startAwsEndpoint } from '../testing/aws-endpoint.js';
import { SENDER, SENDER_TRACEPARENT, senderContext } from '../testing/spans.js';
import { MAX_EVENTBRIDGE_ENTRY_BYTES } from './limits.js';
import { instrumentAwsClient } from './middleware.js';

let endpoint: AwsEndpoint;
let events: EventBridgeClient;

beforeAll(async () => {
  endpoint = await startAwsEndpoint(({ body }) => ({
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify({
      FailedEntryCount: 0,
      Entries: JSON.parse(body).Entries.map((_: unknown, i: number) => ({ EventId: `e-${i}` })),
    }),
  }));
  const withBaggage = () =>
    propagation.setBaggage(senderContext(), propagation.createBaggage({ tenant: { value: 'acme' } }));
  events = instrumentAwsClient(new EventBridgeClient(clientConfig(endpoint.url)), {
    getContext: withBaggage,
  });
});
afterAll(async () => {
  events.destroy();
  await endpoint.close();
});

function sentEntries(): { Detail: string; Source: string; DetailType: string }[] {
  return JSON.parse(endpoint.requests.at(-1)?.body ?? '{}').Entries;
}

const entry = (Detail: string) => ({ Source: 'com.example.orders', DetailType: 'OrderPlaced', Detail });

describe('EventBridge PutEvents', () => {
  it('adds _firefly to each JSON-object Detail and leaves other Details alone', async () => {
    await events.send(
      new PutEventsCommand({
        Entries: [entry('{"orderId":"1001"}'), entry('[1,2]'), entry('not json'), entry('"text"')],
      }),
    );
    const [object, array, text, string] = sentEntries();
    expect(JSON.parse(object?.Detail ?? '')).toEqual({
      orderId: '1001',
      _firefly: { traceparent: SENDER_TRACEPARENT, baggage: 'tenant=acme' },
    });
    expect([array?.Detail, text?.Detail, string?.Detail]).toEqual(['[1,2]', 'not json', '"text"']);
  });

  it('round-trips: the event a rule delivers extracts to the sender as parent', async () => {
    await events.send(new PutEventsCommand({ Entries: [entry('{"orderId":"1001"}')] }));
    const [sent] = sentEntries();
    const delivered = {
      version: '0',
      id: 'fe8d3c65-0000-c5c3-2c87-81584709a377',
      'detail-type': sent?.DetailType,
      source: sent?.Source,
      account: '123456789012',
      time: '2020-04-28T07:20:20Z',
      region: 'us-east-1',
      resources: [],
      detail: JSON.parse(sent?.Detail ?? '{}'),
    };
    const extracted = extractContext(delivered, undefined, { xrayTraceId: '' });
    expect(extracted.source).toBe('eventbridge');
    expect(trace.getSpanContext(extracted.parent)).toMatchObject({
      traceId: SENDER.traceId,
      spanId: SENDER.spanId,
    });
  });

  it('does not push an entry over the 256 KiB limit', async () => {
    const filler = 'x'.repeat(MAX_EVENTBRIDGE_ENTRY_BYTES - 100);
    const detail = JSON.stringify({ filler });
    await events.send(new PutEventsCommand({ Entries: [entry(detail)] }));
    expect(sentEntries()[0]?.Detail).toBe(detail);
  });
});
