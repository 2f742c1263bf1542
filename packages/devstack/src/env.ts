import { StackError } from './errors.js';

// Every FIREFLY_STACK_* variable is read here. Precedence everywhere: explicit option (API or CLI
// flag) → environment variable → default. A blank variable counts as unset.

export const ENV = {
  home: 'FIREFLY_STACK_HOME',
  cache: 'FIREFLY_STACK_CACHE',
  python: 'FIREFLY_STACK_PYTHON',
  java: 'FIREFLY_STACK_JAVA',
  mvn: 'FIREFLY_STACK_MVN',
  libchdb: 'FIREFLY_STACK_LIBCHDB',
  prometheus: 'FIREFLY_STACK_PROMETHEUS',
  clickhousePort: 'FIREFLY_STACK_CLICKHOUSE_PORT',
  kafkaPort: 'FIREFLY_STACK_KAFKA_PORT',
  kafkaHeap: 'FIREFLY_STACK_KAFKA_HEAP',
  startTimeoutMs: 'FIREFLY_STACK_START_TIMEOUT_MS',
  keepTestData: 'FIREFLY_STACK_KEEP_TEST_DATA',
} as const;

type Env = Record<string, string | undefined>;

export function envString(name: string, env: Env = process.env): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function envBoolean(name: string, env: Env = process.env): boolean {
  const value = envString(name, env)?.toLowerCase();
  return value === '1' || value === 'true' || value === 'yes';
}

export function envInteger(
  name: string,
  range: { min: number; max: number },
  env: Env = process.env,
): number | undefined {
  const raw = envString(name, env);
  return raw === undefined ? undefined : parseInteger(raw, range, name);
}

/** Parses a whole number in [min, max]; `field` names the option or variable in the error. */
export function parseInteger(raw: string, range: { min: number; max: number }, field: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < range.min || value > range.max) {
    throw new StackError(
      'INVALID_OPTION',
      `${field} must be a whole number from ${range.min} to ${range.max}, got "${raw}"`,
    );
  }
  return value;
}

export const PORT_RANGE = { min: 1, max: 65535 } as const;

export const TIMEOUT_RANGE = { min: 1, max: 3_600_000 } as const;
