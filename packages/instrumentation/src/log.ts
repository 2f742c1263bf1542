/**
 * Firefly's own diagnostics, on stderr where Lambda sends them to CloudWatch Logs. Quiet unless
 * something needs the function owner's attention; `OTEL_LOG_LEVEL` raises or lowers the bar. Each
 * distinct message is written once per process, so a misconfiguration does not flood the logs on
 * every invocation.
 */
export type LogLevel = 'none' | 'error' | 'warn' | 'info' | 'debug';

const RANK: Record<LogLevel, number> = { none: 0, error: 1, warn: 2, info: 3, debug: 4 };

let threshold = RANK.warn;
const written = new Set<string>();

export function setLogLevel(level: LogLevel): void {
  threshold = RANK[level];
}

function write(level: Exclude<LogLevel, 'none'>, message: string, once = true): void {
  if (RANK[level] > threshold) return;
  if (once) {
    if (written.has(message)) return;
    if (written.size < 1000) written.add(message);
  }
  console.error(`[firefly] ${level}: ${message}`);
}

export const log = {
  error: (message: string) => write('error', message),
  warn: (message: string) => write('warn', message),
  info: (message: string) => write('info', message),
  debug: (message: string) => write('debug', message),
  /** For messages their caller already limits (one per failure streak): written every time. */
  warnEachTime: (message: string) => write('warn', message, false),
  infoEachTime: (message: string) => write('info', message, false),
};

/**
 * The message of anything thrown, for logs. Never throws itself: it runs on the customer's values
 * (an object without prototype has no `toString`, a getter may throw, a proxy may be revoked).
 */
export function describe(error: unknown): string {
  try {
    return error instanceof Error ? String(error.message) : String(error);
  } catch {
    try {
      return Object.prototype.toString.call(error);
    } catch {
      return 'a value that cannot be printed';
    }
  }
}
