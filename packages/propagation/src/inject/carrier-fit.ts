import { BAGGAGE, TRACESTATE } from '../fields.js';

/**
 * The largest part of `carrier` that `fits`: all of it, then without baggage, then without
 * tracestate — the order of what a consumer can best do without. Undefined when not even the
 * traceparent fits.
 */
export function fitCarrier(
  carrier: Record<string, string>,
  fits: (candidate: Record<string, string>) => boolean,
): Record<string, string> | undefined {
  const { [BAGGAGE]: _baggage, ...withoutBaggage } = carrier;
  const { [TRACESTATE]: _tracestate, ...traceparentOnly } = withoutBaggage;
  for (const candidate of [carrier, withoutBaggage, traceparentOnly]) if (fits(candidate)) return candidate;
  return undefined;
}
