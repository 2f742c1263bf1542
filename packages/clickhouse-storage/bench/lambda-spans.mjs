// Lambda SERVER spans as @firefly/instrumentation emits them, generated the same way in JavaScript
// (to send through a writer) and by ClickHouse itself (INSERT … SELECT: the limit to compare with).
// Shared by this package's write bench and the collector's load bench.
import { createHash, randomBytes } from 'node:crypto';

// The resource and attributes of a Lambda SERVER span, as @firefly/instrumentation emits them.
const resource = {
  attributes: {
    'service.name': 'checkout-handler',
    'cloud.provider': 'aws',
    'cloud.platform': 'aws_lambda',
    'cloud.region': 'eu-west-1',
    'faas.name': 'checkout-handler',
    'faas.version': '$LATEST',
    'faas.max_memory': 1024n,
    'telemetry.sdk.language': 'nodejs',
  },
  droppedAttributesCount: 0,
  schemaUrl: '',
  serviceName: 'checkout-handler',
};
const scope = {
  name: '@firefly/instrumentation',
  version: '0.1.0',
  attributes: {},
  droppedAttributesCount: 0,
  schemaUrl: '',
};
export const hex = (n, bytes) =>
  createHash('md5')
    .update(String(n))
    .digest('hex')
    .slice(0, bytes * 2);

/** Lambda SERVER span number `n`, starting up to an hour after `base` (ns). */
export function lambdaSpan(n, base) {
  const start = base + BigInt(n % 3_600_000) * 1_000_000n;
  return {
    resource,
    scope,
    traceId: hex(Math.floor(n / 10), 16),
    spanId: hex(n, 8),
    parentSpanId: n % 10 === 0 ? '' : hex(n - 1, 8),
    traceState: '',
    flags: 1,
    name: 'POST /orders/{id}',
    kind: 2,
    startTimeUnixNano: start,
    endTimeUnixNano: start + BigInt(1_000_000 + (n % 997) * 10_000),
    attributes: {
      'faas.trigger': 'http',
      'faas.coldstart': n % 50 === 0,
      'faas.invocation_id': randomBytes(16).toString('hex'),
      'cloud.account.id': '123456789012',
      'cloud.resource_id': 'arn:aws:lambda:eu-west-1:123456789012:function:checkout-handler',
      'http.request.method': 'POST',
      'http.route': '/orders/{id}',
      'http.response.status_code': n % 20 === 0 ? 500n : 200n,
      'url.path': `/orders/${n % 100_000}`,
      'user_agent.original': 'Amazon CloudFront',
    },
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: n % 20 === 0 ? 2 : 0, message: '' },
  };
}

/** The same rows as `lambdaSpan(first … first+count-1, base)`, generated and inserted by ClickHouse. */
export async function insertSelectLambdaSpans(client, table, count, base, first = 0) {
  await client.command({
    query: `INSERT INTO ${table}
      (Timestamp, TraceId, SpanId, ParentSpanId, TraceState, Flags, SpanName, SpanKind, ServiceName,
       ResourceAttributes, ResourceAttributeTypes, ScopeName, ScopeVersion,
       SpanAttributes, SpanAttributeTypes, Duration, StatusCode, StatusMessage)
    SELECT
      fromUnixTimestamp64Nano(${base} + (number % 3600000) * 1000000),
      lower(hex(MD5(toString(intDiv(number, 10))))),
      substring(lower(hex(MD5(toString(number)))), 1, 16),
      if(number % 10 = 0, '', substring(lower(hex(MD5(toString(number - 1)))), 1, 16)),
      '', 1, 'POST /orders/{id}', 'Server', 'checkout-handler',
      map('service.name', 'checkout-handler', 'cloud.provider', 'aws', 'cloud.platform', 'aws_lambda',
          'cloud.region', 'eu-west-1', 'faas.name', 'checkout-handler', 'faas.version', '$LATEST',
          'faas.max_memory', '1024', 'telemetry.sdk.language', 'nodejs'),
      map('faas.max_memory', 'int'),
      '@firefly/instrumentation', '0.1.0',
      map('faas.trigger', 'http', 'faas.coldstart', if(number % 50 = 0, 'true', 'false'),
          'faas.invocation_id', lower(hex(randomString(16))), 'cloud.account.id', '123456789012',
          'cloud.resource_id', 'arn:aws:lambda:eu-west-1:123456789012:function:checkout-handler',
          'http.request.method', 'POST', 'http.route', '/orders/{id}',
          'http.response.status_code', if(number % 20 = 0, '500', '200'),
          'url.path', concat('/orders/', toString(number % 100000)), 'user_agent.original', 'Amazon CloudFront'),
      map('faas.coldstart', 'bool', 'http.response.status_code', 'int'),
      1000000 + (number % 997) * 10000,
      if(number % 20 = 0, 'Error', 'Unset'), ''
    FROM numbers(${first}, ${count})`,
  });
}
