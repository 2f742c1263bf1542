/** Spare time an export leaves before its deadline, so that flushing never causes a timeout. */
export const DEADLINE_RESERVE_MS = 20;

/**
 * How long before Lambda's deadline the timeout guard acts when `remainingMs` are left: the
 * configured margin, but at most a fifth of that time, so a short function is not cut short.
 */
export function guardMargin(remainingMs: number, marginMs: number): number {
  return Math.min(marginMs, remainingMs / 5);
}

/**
 * How long the flush before the response (sync mode) may take. The caller waits for it, and the
 * timeout guard no longer watches over it: at most `capMs`, and over before the guard would have
 * acted. Without a known deadline (a context without `getRemainingTimeInMillis`), `capMs`.
 */
export function syncFlushBudget(remainingMs: number | undefined, marginMs: number, capMs: number): number {
  if (remainingMs === undefined) return capMs;
  return Math.max(0, Math.min(capMs, remainingMs - guardMargin(remainingMs, marginMs)));
}
