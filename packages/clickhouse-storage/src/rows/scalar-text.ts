// How values that are not strings are written into the attribute text maps. Arrays and kvlists
// are stored as OTLP/JSON AnyValues (@firefly/otlp-codec's encodeAnyValueJson): a documented,
// typed text form, so `[1, 1.5, "a"]` comes back with its int, double and string apart.

/** Shortest round-trip text, with the spellings OTLP/JSON uses for the values JSON has no number for. */
export function formatDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  return Object.is(value, -0) ? '-0' : String(value);
}

export function parseDouble(text: string): number {
  return text === 'NaN' ? Number.NaN : Number(text);
}

export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}
