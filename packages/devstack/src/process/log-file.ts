import { closeSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Opens `file` for appending with a banner that separates this start from earlier ones. */
export function openLog(file: string, banner: string): number {
  mkdirSync(dirname(file), { recursive: true });
  const fd = openSync(file, 'a');
  writeSync(fd, `\n=== ${new Date().toISOString()} firefly-stack: ${banner} ===\n`);
  return fd;
}

export function closeLog(fd: number): void {
  closeSync(fd);
}

const TAIL_BYTES = 16 * 1024;

/** The last `lines` lines of a log, for error messages. Empty when the file cannot be read. */
export function tailLog(file: string, lines = 20): string {
  try {
    const size = statSync(file).size;
    const text = readFileSync(file)
      .subarray(Math.max(0, size - TAIL_BYTES))
      .toString('utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
