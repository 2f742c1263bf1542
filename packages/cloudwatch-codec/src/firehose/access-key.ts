import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether X-Amz-Firehose-Access-Key matches one of the configured keys (several while rotating),
 * compared in constant time: both sides are hashed first, so neither the content nor the length of a
 * key leaks through timing. Every configured key is compared, matched or not.
 */
export function accessKeyMatches(
  received: string | undefined,
  expected: string | readonly string[],
): boolean {
  if (received === undefined) return false;
  const digest = sha256(received);
  let matched = false;
  for (const key of typeof expected === 'string' ? [expected] : expected) {
    if (timingSafeEqual(digest, sha256(key))) matched = true;
  }
  return matched;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
