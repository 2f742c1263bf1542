/**
 * A `JSON.stringify` replacer for model objects: bigint becomes a decimal string and Uint8Array a
 * base64 string, so spans and points can be logged without throwing or losing digits.
 */
export function modelJsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  return value;
}
