import { describe, expect, it } from 'vitest';
import { settlesWithin, sleep } from './timing.js';

describe('sleep', () => {
  it('waits, or ends early without an error when its signal aborts', async () => {
    let started = performance.now();
    await sleep(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);

    const stop = new AbortController();
    started = performance.now();
    setTimeout(() => stop.abort(), 20);
    await sleep(60_000, { signal: stop.signal });
    expect(performance.now() - started).toBeLessThan(5_000);
    // Already aborted: no wait at all.
    await sleep(60_000, { signal: stop.signal, keepAlive: true });
  });
});

describe('settlesWithin', () => {
  it('is true for work that resolves or rejects in time, or none at all', async () => {
    expect(await settlesWithin(Promise.resolve(), 0)).toBe(true);
    expect(await settlesWithin(Promise.reject(new Error('failed, but settled')), 0)).toBe(true);
    expect(await settlesWithin(undefined, 0)).toBe(true);
    expect(await settlesWithin(sleep(10), 5_000)).toBe(true);
  });

  it('is false for work still pending when the time is up, a past deadline included', async () => {
    const pending = new Promise(() => {});
    const started = performance.now();
    expect(await settlesWithin(pending, 30)).toBe(false);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    expect(await settlesWithin(pending, -100)).toBe(false);
  });
});
