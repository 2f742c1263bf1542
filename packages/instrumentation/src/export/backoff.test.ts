import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { setLogLevel } from '../log.js';
import { ExportBackoff } from './backoff.js';

let logged: MockInstance;
beforeEach(() => {
  // Only performance.now() is faked: it stands still until a test moves it on.
  vi.useFakeTimers({ toFake: ['performance'] });
  logged = vi.spyOn(console, 'error').mockImplementation(() => {});
  setLogLevel('info');
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  setLogLevel('warn');
});

function lines(): string[] {
  return logged.mock.calls.map((call) => String(call[0]));
}

/** How long the backoff stays paused from now, to the millisecond (moves the clock on). */
function pauseLength(backoff: ExportBackoff): number {
  let waited = 0;
  while (backoff.paused) {
    vi.advanceTimersByTime(1000);
    waited += 1000;
  }
  return waited;
}

describe('ExportBackoff', () => {
  it('pauses after 3 failures in a row for 30 s, doubling per failed retry up to 5 minutes', () => {
    const backoff = new ExportBackoff('spans', 'http://collector/v1/traces');
    backoff.failed('answered 500', 1);
    backoff.failed('answered 500', 1);
    expect(backoff.paused).toBe(false);
    backoff.failed('answered 500', 1);
    expect(backoff.paused).toBe(true);
    const pauses = [pauseLength(backoff)];
    for (let retry = 0; retry < 6; retry++) {
      backoff.failed('answered 500', 1);
      pauses.push(pauseLength(backoff));
    }
    expect(pauses).toEqual([30_000, 60_000, 120_000, 240_000, 300_000, 300_000, 300_000]);
  });

  it('warns at the first failure of a streak only, and tells on recovery how many items were lost', () => {
    const backoff = new ExportBackoff('spans', 'http://collector/v1/traces');
    backoff.failed('answered 503', 4);
    backoff.failed('answered 500', 2);
    backoff.failed('answered 500', 1);
    backoff.skipped(5);
    expect(lines()).toEqual([
      expect.stringMatching(
        /^\[firefly\] warn: spans not exported to http:\/\/collector\/v1\/traces: answered 503 \(/,
      ),
    ]);
    vi.advanceTimersByTime(30_000);
    backoff.succeeded();
    expect(backoff.paused).toBe(false);
    expect(lines()[1]).toBe(
      '[firefly] info: spans exported to http://collector/v1/traces again after 3 failed exports; 12 spans were lost',
    );
    // A new streak: warned again, and counted from zero (two failures do not pause).
    backoff.failed('answered 503', 1);
    backoff.failed('answered 503', 1);
    expect(backoff.paused).toBe(false);
    expect(lines()).toHaveLength(3);
    expect(lines()[2]).toContain('spans not exported to http://collector/v1/traces: answered 503');
    // The pause starts at 30 s again.
    backoff.failed('answered 503', 1);
    expect(pauseLength(backoff)).toBe(30_000);
  });

  it('says nothing when an export succeeds without a streak', () => {
    const backoff = new ExportBackoff('metric points', 'http://collector/v1/metrics');
    backoff.succeeded();
    backoff.succeeded();
    expect(lines()).toEqual([]);
  });
});
