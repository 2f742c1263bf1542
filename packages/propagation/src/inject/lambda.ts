import { isRecord } from '../carrier.js';
import { fitCarrier } from './carrier-fit.js';
import { byteLengthOf, staysWithin, withPayloadFieldIn } from './json-payload.js';
import { MAX_ASYNC_INVOKE_BYTES, MAX_CLIENT_CONTEXT_BYTES } from './limits.js';

/**
 * `Invoke`. Lambda hands the ClientContext to the function only for synchronous invokes, so an
 * async one (`InvocationType: 'Event'`) carries the context in the payload's `_firefly` field
 * instead, when the payload is a JSON object. `DryRun` runs nothing and is left alone.
 */
export function injectLambda(
  command: string,
  input: Record<string, unknown>,
  carrier: Record<string, string>,
) {
  if (command !== 'InvokeCommand' && command !== 'InvokeWithResponseStreamCommand') return undefined;
  const type = input.InvocationType;
  if (type === 'DryRun') return undefined;
  if (type === 'Event') {
    const before = byteLengthOf(input.Payload);
    const fits = (after: number) => staysWithin(MAX_ASYNC_INVOKE_BYTES, before, after);
    const payload = withPayloadFieldIn(input.Payload, carrier, fits);
    return payload === undefined ? undefined : { ...input, Payload: payload };
  }
  const clientContext = withClientContext(input.ClientContext, carrier);
  return clientContext === undefined ? undefined : { ...input, ClientContext: clientContext };
}

/**
 * The base64 ClientContext JSON with the carrier merged into its `custom` map (keeping the caller's
 * `client`, `env` and other `custom` keys), within Lambda's 3583 bytes. Undefined when the existing
 * one is not base64 JSON of an object, or when not even the traceparent fits.
 */
export function withClientContext(existing: unknown, carrier: Record<string, string>): string | undefined {
  const decoded = decodeClientContext(existing);
  if (decoded === undefined) return undefined;
  // Merge into the caller's `Custom` if that is the spelling they use, else the documented `custom`.
  const key = !('custom' in decoded) && isRecord(decoded.Custom) ? 'Custom' : 'custom';
  const custom = isRecord(decoded[key]) ? decoded[key] : {};
  const encode = (candidate: Record<string, string>) =>
    Buffer.from(JSON.stringify({ ...decoded, [key]: { ...custom, ...candidate } })).toString('base64');
  const fitted = fitCarrier(carrier, (candidate) => encode(candidate).length <= MAX_CLIENT_CONTEXT_BYTES);
  return fitted === undefined ? undefined : encode(fitted);
}

function decodeClientContext(existing: unknown): Record<string, unknown> | undefined {
  if (existing === undefined || existing === '') return {};
  if (typeof existing !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(existing, 'base64').toString('utf8'));
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
