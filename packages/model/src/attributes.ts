/**
 * An attribute value with its OTLP type kept by its JavaScript type, so nothing is lost:
 *
 * | OTLP AnyValue  | here                         |
 * | -------------- | ---------------------------- |
 * | string_value   | `string`                     |
 * | bool_value     | `boolean`                    |
 * | int_value      | `bigint` (exact int64)       |
 * | double_value   | `number`                     |
 * | bytes_value    | `Uint8Array`                 |
 * | array_value    | `AttributeValue[]`           |
 * | kvlist_value   | `Attributes` (plain object)  |
 * | (no value set) | `null`                       |
 */
export type AttributeValue =
  | string
  | boolean
  | bigint
  | number
  | Uint8Array
  | null
  | AttributeValue[]
  | Attributes;

/**
 * Attributes by key, as own enumerable properties of a plain object (fast to build and to read).
 * Read with `Object.hasOwn`/`for…in`/`Object.entries`: `attributes.constructor` is inherited, not an
 * attribute. Write with {@link setAttribute} when the key comes from input: it stores `__proto__`
 * as an ordinary key instead of replacing the prototype.
 */
export interface Attributes {
  [key: string]: AttributeValue;
}

export type AttributeType = 'string' | 'bool' | 'int' | 'double' | 'bytes' | 'array' | 'kvlist' | 'empty';

/** The OTLP type of a value. */
export function attributeType(value: AttributeValue): AttributeType {
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return 'double';
    default:
      if (value === null) return 'empty';
      if (value instanceof Uint8Array) return 'bytes';
      return Array.isArray(value) ? 'array' : 'kvlist';
  }
}

export function createAttributes(): Attributes {
  return {};
}

/** `attributes[key] = value`, except that `__proto__` becomes an own property like any other key. */
export function setAttribute(attributes: Attributes, key: string, value: AttributeValue): void {
  if (key === '__proto__') {
    Object.defineProperty(attributes, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    attributes[key] = value;
  }
}

/** The value of `key` if it is a string, else undefined. */
export function stringAttribute(attributes: Attributes, key: string): string | undefined {
  const value = Object.hasOwn(attributes, key) ? attributes[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}
