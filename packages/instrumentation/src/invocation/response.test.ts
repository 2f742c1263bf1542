import { describe, expect, it } from 'vitest';
import { errorMessageOf, errorTypeOf, httpStatusOf } from './response.js';

function revoked(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

function throwingGetter<T extends object>(target: T, name: string): T {
  return Object.defineProperty(target, name, {
    get() {
      throw new Error(`no ${name}`);
    },
  });
}

describe('httpStatusOf', () => {
  it('reads a number or numeric string statusCode of HTTP sources, 200 by default for HTTP API and URLs', () => {
    expect(httpStatusOf('api-gateway-rest', { statusCode: 404 })).toBe(404);
    expect(httpStatusOf('alb', { statusCode: '502' })).toBe(502);
    expect(httpStatusOf('api-gateway-http', { statusCode: 700 })).toBe(200);
    expect(httpStatusOf('api-gateway-rest', { body: 'no status' })).toBeUndefined();
    expect(httpStatusOf('sqs', { statusCode: 500 })).toBeUndefined();
  });

  it('never throws on hostile results', () => {
    expect(httpStatusOf('function-url', { statusCode: Symbol('500') })).toBe(200);
    expect(httpStatusOf('api-gateway-rest', { statusCode: { valueOf: () => 500 } })).toBeUndefined();
    expect(httpStatusOf('api-gateway-http', throwingGetter({}, 'statusCode'))).toBe(200);
    expect(httpStatusOf('alb', revoked())).toBeUndefined();
  });
});

describe('errorTypeOf and errorMessageOf', () => {
  it('name the class and the message', () => {
    class PaymentDeclined extends Error {}
    expect(errorTypeOf(new RangeError('r'))).toBe('RangeError');
    expect(errorTypeOf(new PaymentDeclined('p'))).toBe('PaymentDeclined');
    expect(errorTypeOf('text')).toBe('string');
    expect(errorTypeOf({ code: 1 })).toBe('object');
    expect(errorMessageOf(new RangeError('out of range'))).toBe('out of range');
    expect(errorMessageOf({ code: 1 })).toBe('{"code":1}');
    expect(errorMessageOf(undefined)).toBe('undefined');
  });

  it('never throw on hostile values', () => {
    expect(errorTypeOf(throwingGetter(new Error('e'), 'name'))).toBe('Error');
    expect(errorTypeOf(revoked())).toBe('Error');
    expect(errorMessageOf(throwingGetter(new Error('e'), 'message'))).toBe('[object Error]');
    expect(errorMessageOf(Object.create(null))).toBe('{}');
    expect(errorMessageOf(10n)).toBe('10');
    expect(errorMessageOf(throwingGetter({}, 'toJSON'))).toBe('[object Object]');
    expect(errorMessageOf(revoked())).toBe('a value that cannot be printed');
  });
});
