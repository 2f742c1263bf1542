import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';

/**
 * Header-like key/values with lower-case keys, so lookups are case-insensitive whatever spelling
 * the event used (API Gateway v1 keeps the client's, v2 lower-cases, SQS attributes are whatever the
 * producer wrote). Arrays hold the values of a repeated header.
 */
export type Carrier = Record<string, string | string[]>;

export const carrierGetter: TextMapGetter<Carrier> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key.toLowerCase()],
};

export const carrierSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/** Copies string (or string array) values of `source` under lower-case keys. */
export function addToCarrier(
  carrier: Carrier,
  source: unknown,
  pick: (value: unknown) => unknown = id,
): void {
  if (!isRecord(source)) return;
  for (const [key, raw] of Object.entries(source)) {
    const value = pick(raw);
    if (typeof value === 'string') carrier[key.toLowerCase()] = value;
    else if (Array.isArray(value)) {
      const strings = value.filter((v): v is string => typeof v === 'string');
      if (strings.length > 0)
        carrier[key.toLowerCase()] = strings.length === 1 ? (strings[0] as string) : strings;
    }
  }
}

export function firstValue(carrier: Carrier, key: string): string | undefined {
  const value = carrier[key];
  return Array.isArray(value) ? value[0] : value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stringField(value: unknown, key: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const field = value[key];
  return typeof field === 'string' && field !== '' ? field : undefined;
}

function id(value: unknown): unknown {
  return value;
}
