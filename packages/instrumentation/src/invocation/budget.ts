/** Spare time an export leaves before its deadline, so that flushing never causes a timeout. */
export const DEADLINE_RESERVE_MS = 20;

/** The shortest sync flush timeout that leaves an export any time once the reserve is set aside. */
export const MIN_SYNC_FLUSH_TIMEOUT_MS = DEADLINE_RESERVE_MS + 1;

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
 * acted — `guardMarginMs` before the deadline, the margin the guard was started with (see
 * `guardMargin`; it is fixed when the invocation starts, not recomputed from the time left now).
 * Without a known deadline (a context without `getRemainingTimeInMillis`), `capMs`.
 */
export function syncFlushBudget(
  remainingMs: number | undefined,
  guardMarginMs: number,
  capMs: number,
): number {
  if (remainingMs === undefined) return capMs;
  return Math.max(0, Math.min(capMs, remainingMs - guardMarginMs));
}
