import { type Attributes, SpanKind } from '@opentelemetry/api';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '../attributes.js';
import { addToCarrier, type Carrier, firstValue, isRecord, stringField } from '../carrier.js';
import { XRAY_HEADER } from '../fields.js';
import type { EventSource } from '../types.js';
import type { SourceMatch } from './source-match.js';

/**
 * API Gateway REST (v1 payload), HTTP API (v2 payload), ALB and Function URL events. They differ in
 * where headers, method and client address sit, not in what they mean.
 */
export function matchHttp(event: Record<string, unknown>): SourceMatch | undefined {
  const requestContext = event.requestContext;
  if (!isRecord(requestContext)) return undefined;
  if (isRecord(requestContext.elb)) return alb(event);
  if (event.version === '2.0' && isRecord(requestContext.http)) return v2(event, requestContext);
  if (typeof event.httpMethod === 'string') return restV1(event, requestContext);
  return undefined;
}

function restV1(event: Record<string, unknown>, requestContext: Record<string, unknown>): SourceMatch {
  const headers = headerCarrier(event);
  const identity = requestContext.identity;
  return http('api-gateway-rest', headers, {
    method: stringField(event, 'httpMethod'),
    path: stringField(event, 'path'),
    route: stringField(event, 'resource'),
    userAgent: stringField(identity, 'userAgent') ?? firstValue(headers, 'user-agent'),
    client: stringField(identity, 'sourceIp'),
    server: stringField(requestContext, 'domainName') ?? firstValue(headers, 'host'),
  });
}

function v2(event: Record<string, unknown>, requestContext: Record<string, unknown>): SourceMatch {
  const headers = headerCarrier(event);
  const request = requestContext.http;
  const domain = stringField(requestContext, 'domainName');
  const routeKey = stringField(event, 'routeKey');
  return http(domain?.includes('.lambda-url.') ? 'function-url' : 'api-gateway-http', headers, {
    method: stringField(request, 'method'),
    path: stringField(request, 'path') ?? stringField(event, 'rawPath'),
    // `GET /items/{id}` → `/items/{id}`; `$default` matches anything, so it is no route.
    route: routeKey === undefined || routeKey === '$default' ? undefined : routeKey.replace(/^\S+\s+/, ''),
    userAgent: stringField(request, 'userAgent') ?? firstValue(headers, 'user-agent'),
    client: stringField(request, 'sourceIp'),
    server: domain ?? firstValue(headers, 'host'),
  });
}

function alb(event: Record<string, unknown>): SourceMatch {
  const headers = headerCarrier(event);
  // The load balancer appends the peer to X-Forwarded-For: the first entry is the original client.
  const forwarded = firstValue(headers, 'x-forwarded-for')?.split(',')[0]?.trim();
  return http('alb', headers, {
    method: stringField(event, 'httpMethod'),
    path: stringField(event, 'path'),
    route: undefined,
    userAgent: firstValue(headers, 'user-agent'),
    client: forwarded === '' ? undefined : forwarded,
    server: firstValue(headers, 'host'),
  });
}

interface HttpFields {
  method: string | undefined;
  path: string | undefined;
  route: string | undefined;
  userAgent: string | undefined;
  client: string | undefined;
  server: string | undefined;
}

function http(source: EventSource, headers: Carrier, fields: HttpFields): SourceMatch {
  const attributes: Attributes = { [ATTR_URL_SCHEME]: source === 'alb' ? schemeOf(headers) : 'https' };
  set(attributes, ATTR_HTTP_REQUEST_METHOD, fields.method?.toUpperCase());
  set(attributes, ATTR_URL_PATH, fields.path);
  set(attributes, ATTR_HTTP_ROUTE, fields.route);
  set(attributes, ATTR_USER_AGENT_ORIGINAL, fields.userAgent);
  set(attributes, ATTR_CLIENT_ADDRESS, fields.client);
  set(attributes, ATTR_SERVER_ADDRESS, fields.server);
  const xray = headers[XRAY_HEADER];
  return {
    source,
    trigger: 'http',
    spanKind: SpanKind.SERVER,
    attributes,
    carrier: headers,
    xray: xray === undefined ? [] : Array.isArray(xray) ? xray : [xray],
  };
}

/**
 * REST APIs send both maps (`headers` keeps only the last of repeated values), ALB sends one of
 * them; `multiValueHeaders` wins where both have a header because it is complete.
 */
function headerCarrier(event: Record<string, unknown>): Carrier {
  const carrier: Carrier = {};
  addToCarrier(carrier, event.headers);
  addToCarrier(carrier, event.multiValueHeaders);
  return carrier;
}

function schemeOf(headers: Carrier): string {
  return firstValue(headers, 'x-forwarded-proto') === 'http' ? 'http' : 'https';
}

function set(attributes: Attributes, key: string, value: string | undefined): void {
  if (value !== undefined && value !== '') attributes[key] = value;
}
