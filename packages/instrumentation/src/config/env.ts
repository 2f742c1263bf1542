import { log } from '../log.js';

/**
 * Typed reads of environment variables, the only place the package looks at `process.env` besides
 * the OpenTelemetry resource detector. A blank value counts as unset; a value that does not parse
 * is reported once, naming the variable, and the caller's fallback applies.
 */
export type Env = Readonly<Record<string, string | undefined>>;

export function readString(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

export function readBoolean(env: Env, name: string): boolean | undefined {
  const value = readString(env, name)?.toLowerCase();
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  log.warn(`${name}="${env[name]}" is not true or false; ignored`);
  return undefined;
}

/** A finite number ≥ `min`, else undefined (with a warning when the variable was set). */
export function readNumber(env: Env, name: string, min = 0): number | undefined {
  const raw = readString(env, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (Number.isFinite(value) && value >= min) return value;
  log.warn(`${name}="${raw}" is not a number ≥ ${min}; ignored`);
  return undefined;
}

export function readEnum<T extends string>(env: Env, name: string, allowed: readonly T[]): T | undefined {
  const raw = readString(env, name);
  if (raw === undefined) return undefined;
  const value = raw.toLowerCase() as T;
  if (allowed.includes(value)) return value;
  log.warn(`${name}="${raw}" is not one of ${allowed.join(', ')}; ignored`);
  return undefined;
}

/** A comma-separated list, trimmed and lowercased, blanks dropped. */
export function readList(env: Env, name: string): string[] | undefined {
  const raw = readString(env, name);
  if (raw === undefined) return undefined;
  return raw
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item !== '');
}

/** An absolute http(s) URL, else undefined (with a warning). */
export function readUrl(env: Env, name: string): URL | undefined {
  const raw = readString(env, name);
  if (raw === undefined) return undefined;
  return parseHttpUrl(raw, name);
}

export function parseHttpUrl(raw: string, origin: string): URL | undefined {
  try {
    const url = new URL(raw);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  } catch {
    // reported below
  }
  log.warn(`${origin}="${raw}" is not an http(s) URL; ignored`);
  return undefined;
}
