import { describe, expect, it } from 'vitest';
import {
  attributeType,
  createAttributes,
  modelJsonReplacer,
  serviceNameOf,
  setAttribute,
  stringAttribute,
} from './index.js';

function attrs(entries: Record<string, unknown>) {
  return Object.assign(createAttributes(), entries);
}

describe('serviceNameOf', () => {
  it('uses a non-empty string service.name', () => {
    expect(serviceNameOf(attrs({ 'service.name': 'checkout' }))).toBe('checkout');
  });

  it('falls back to unknown_service:<executable>, then unknown_service', () => {
    expect(serviceNameOf(attrs({ 'service.name': '', 'process.executable.name': 'node' }))).toBe(
      'unknown_service:node',
    );
    expect(serviceNameOf(attrs({ 'service.name': 42n }))).toBe('unknown_service');
    expect(serviceNameOf(createAttributes())).toBe('unknown_service');
  });
});

describe('attributes', () => {
  it('tell every OTLP type apart by JavaScript type', () => {
    const kinds = ['s', true, 1n, 1.5, new Uint8Array([1]), null, ['a'], attrs({ k: 'v' })].map((v) =>
      attributeType(v as never),
    );
    expect(kinds).toEqual(['string', 'bool', 'int', 'double', 'bytes', 'empty', 'array', 'kvlist']);
  });

  it('store __proto__ as an ordinary key and never report inherited names', () => {
    const a = createAttributes();
    setAttribute(a, '__proto__', 'x');
    setAttribute(a, 'k', { nested: true } as never);
    expect(Object.keys(a)).toEqual(['__proto__', 'k']);
    expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
    expect(stringAttribute(a, '__proto__')).toBe('x');
    expect(stringAttribute(a, 'toString')).toBeUndefined();
  });
});

describe('modelJsonReplacer', () => {
  it('writes bigint as decimal and bytes as base64', () => {
    const text = JSON.stringify({ n: 2n ** 63n - 1n, b: new Uint8Array([0, 255]) }, modelJsonReplacer);
    expect(text).toBe('{"n":"9223372036854775807","b":"AP8="}');
  });
});
