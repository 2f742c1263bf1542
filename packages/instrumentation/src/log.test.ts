import { expect, it, describe as suite } from 'vitest';
import { describe } from './log.js';

function revoked(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

suite('describe()', () => {
  it('gives the message of errors and the text of anything else', () => {
    expect(describe(new TypeError('bad input'))).toBe('bad input');
    expect(describe('plain')).toBe('plain');
    expect(describe(42)).toBe('42');
    expect(describe(undefined)).toBe('undefined');
    expect(describe(Symbol('s'))).toBe('Symbol(s)');
  });

  it('never throws, whatever the customer threw', () => {
    // No prototype, so no toString.
    expect(describe(Object.create(null))).toBe('[object Object]');
    const hostile = new Error('hidden');
    Object.defineProperty(hostile, 'message', {
      get() {
        throw new Error('no message for you');
      },
    });
    expect(describe(hostile)).toBe('[object Error]');
    const throwingToString = {
      toString: () => {
        throw new Error('nope');
      },
    };
    expect(describe(throwingToString)).toBe('[object Object]');
    expect(describe(revoked())).toBe('a value that cannot be printed');
  });
});
