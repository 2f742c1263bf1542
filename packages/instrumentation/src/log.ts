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

function write(level: Exclude<LogLevel, 'none'>, message: string): void {
  if (RANK[level] > threshold || written.has(message)) return;
  if (written.size < 1000) written.add(message);
  console.error(`[firefly] ${level}: ${message}`);
}

export const log = {
  error: (message: string) => write('error', message),
  warn: (message: string) => write('warn', message),
  info: (message: string) => write('info', message),
  debug: (message: string) => write('debug', message),
};

/** The message of anything thrown, for logs. */
export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
