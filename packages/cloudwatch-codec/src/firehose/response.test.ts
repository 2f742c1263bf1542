import { describe, expect, it } from 'vitest';
import { accessKeyMatches, encodeFirehoseResponse, MAX_ERROR_MESSAGE_LENGTH } from '../index.js';

describe('encodeFirehoseResponse', () => {
  it("writes AWS's documented success and failure bodies", () => {
    expect(
      encodeFirehoseResponse({ requestId: 'ed4acda5-034f-9f42-bba1-f29aea6d7d8f', timestamp: 1578090903599 }),
    ).toBe('{"requestId":"ed4acda5-034f-9f42-bba1-f29aea6d7d8f","timestamp":1578090903599}');
    expect(
      JSON.parse(
        encodeFirehoseResponse({
          requestId: 'ed4acda5-034f-9f42-bba1-f29aea6d7d8f',
          timestamp: 1578090903599,
          errorMessage: 'Unable to deliver records due to unknown error.',
        }),
      ),
    ).toEqual({
      requestId: 'ed4acda5-034f-9f42-bba1-f29aea6d7d8f',
      timestamp: 1578090903599,
      errorMessage: 'Unable to deliver records due to unknown error.',
    });
  });

  it('stamps the current time by default', () => {
    const before = Date.now();
    const { timestamp } = JSON.parse(encodeFirehoseResponse({ requestId: 'r' }));
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(timestamp).toBeLessThanOrEqual(Date.now());
  });

  it('cuts an errorMessage to the 8192 characters Firehose accepts, never inside a surrogate pair', () => {
    const long = JSON.parse(
      encodeFirehoseResponse({ requestId: 'r', errorMessage: 'x'.repeat(10_000) }),
    ).errorMessage;
    expect(long).toHaveLength(MAX_ERROR_MESSAGE_LENGTH);
    expect(long.endsWith('x…')).toBe(true);
    const emoji = '😀'.repeat(5000);
    const cut = JSON.parse(encodeFirehoseResponse({ requestId: 'r', errorMessage: emoji }))
      .errorMessage as string;
    expect(cut.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_LENGTH);
    expect(Buffer.from(cut).toString()).toBe(cut); // no lone surrogate (it would become U+FFFD)
  });
});

describe('accessKeyMatches', () => {
  it('matches the configured key or any of several during rotation', () => {
    expect(accessKeyMatches('k1', 'k1')).toBe(true);
    expect(accessKeyMatches('k2', ['k1', 'k2'])).toBe(true);
  });

  it('refuses a wrong, longer, shorter or missing key, and an empty list', () => {
    expect(accessKeyMatches('k3', ['k1', 'k2'])).toBe(false);
    expect(accessKeyMatches('k1x', 'k1')).toBe(false);
    expect(accessKeyMatches('k', 'k1')).toBe(false);
    expect(accessKeyMatches(undefined, 'k1')).toBe(false);
    expect(accessKeyMatches('k1', [])).toBe(false);
  });
});
