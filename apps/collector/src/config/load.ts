import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { type CollectorConfig, configSchema } from './schema.js';

type Env = Record<string, string | undefined>;
type Kind = 'string' | 'integer' | 'boolean' | 'list';

/**
 * Every environment variable the collector reads, and the field it sets. Precedence: defaults,
 * then the configuration file, then these. A blank variable counts as unset.
 */
export const ENV_VARIABLES: readonly { name: string; path: string; kind: Kind }[] = [
  { name: 'FIREFLY_HOST', path: 'server.host', kind: 'string' },
  { name: 'FIREFLY_PORT', path: 'server.port', kind: 'integer' },
  { name: 'FIREFLY_BODY_LIMIT_BYTES', path: 'server.bodyLimitBytes', kind: 'integer' },
  { name: 'FIREFLY_SHUTDOWN_TIMEOUT_MS', path: 'server.shutdownTimeoutMs', kind: 'integer' },
  { name: 'FIREFLY_REQUEST_TIMEOUT_MS', path: 'server.requestTimeoutMs', kind: 'integer' },
  { name: 'FIREFLY_LOG_LEVEL', path: 'logLevel', kind: 'string' },
  { name: 'FIREFLY_PIPELINE_MODE', path: 'pipeline.mode', kind: 'string' },
  { name: 'FIREFLY_QUEUE_CAPACITY', path: 'pipeline.queueCapacity', kind: 'integer' },
  { name: 'FIREFLY_BATCH_MAX_ITEMS', path: 'pipeline.batchMaxItems', kind: 'integer' },
  { name: 'FIREFLY_BATCH_TIMEOUT_MS', path: 'pipeline.batchTimeoutMs', kind: 'integer' },
  { name: 'FIREFLY_KAFKA_BROKERS', path: 'kafka.brokers', kind: 'list' },
  { name: 'FIREFLY_KAFKA_GROUP_ID', path: 'kafka.groupId', kind: 'string' },
  { name: 'FIREFLY_KAFKA_CONSUME', path: 'kafka.consume', kind: 'boolean' },
  { name: 'FIREFLY_KAFKA_COMPRESSION', path: 'kafka.compression', kind: 'string' },
  { name: 'FIREFLY_CLICKHOUSE_URL', path: 'storage.clickhouse.url', kind: 'string' },
  { name: 'FIREFLY_CLICKHOUSE_USERNAME', path: 'storage.clickhouse.username', kind: 'string' },
  { name: 'FIREFLY_CLICKHOUSE_PASSWORD', path: 'storage.clickhouse.password', kind: 'string' },
  { name: 'FIREFLY_CLICKHOUSE_DATABASE', path: 'storage.clickhouse.database', kind: 'string' },
  { name: 'FIREFLY_CLICKHOUSE_TTL_DAYS', path: 'storage.clickhouse.ttlDays', kind: 'integer' },
  { name: 'FIREFLY_OTLP_TOKENS', path: 'receivers.otlp.auth.tokens', kind: 'list' },
  { name: 'FIREFLY_PROMETHEUS_TOKENS', path: 'receivers.prometheus.auth.tokens', kind: 'list' },
  { name: 'FIREFLY_FIREHOSE_ACCESS_KEYS', path: 'receivers.firehose.accessKeys', kind: 'list' },
  { name: 'FIREFLY_FIREHOSE_RECORD_FORMAT', path: 'receivers.firehose.recordFormat', kind: 'string' },
];

/** The configuration could not be used; `problems` name each field and where its value came from. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

export interface LoadOptions {
  /** A YAML or JSON file; FIREFLY_CONFIG when not given. */
  file?: string | undefined;
  env?: Env;
}

/** Defaults ← file ← environment, validated; throws `ConfigError` naming every bad field. */
export function loadConfig(options: LoadOptions = {}): CollectorConfig {
  const env = options.env ?? process.env;
  const file = options.file ?? blankToUndefined(env.FIREFLY_CONFIG);
  const input = file === undefined ? {} : readConfigFile(file);
  const origins = new Map<string, string>();
  const problems: string[] = [];
  for (const variable of ENV_VARIABLES) {
    const raw = blankToUndefined(env[variable.name]);
    if (raw === undefined) continue;
    const value = convert(raw, variable.kind);
    if (value === undefined) {
      problems.push(`${variable.path}: ${variable.name}="${raw}" is not ${describeKind(variable.kind)}`);
      continue;
    }
    setPath(input, variable.path, value);
    origins.set(variable.path, variable.name);
  }
  const result = configSchema.safeParse(input);
  if (!result.success) problems.push(...issues(result.error.issues, origins, file));
  if (problems.length > 0) throw new ConfigError(problems);
  return result.data as CollectorConfig;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([`cannot read the configuration file ${file}: ${(error as Error).message}`]);
  }
  try {
    // YAML is a superset of JSON, so one parser reads both; the extension only picks the wording.
    const parsed: unknown = parseYaml(text);
    if (parsed === null || parsed === undefined) return {};
    if (typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('the top level must be a mapping');
    return parsed as Record<string, unknown>;
  } catch (error) {
    const kind = extname(file) === '.json' ? 'JSON' : 'YAML';
    throw new ConfigError([`${file} is not valid ${kind}: ${(error as Error).message}`]);
  }
}

function issues(list: z.core.$ZodIssue[], origins: Map<string, string>, file: string | undefined): string[] {
  return list.map((issue) => {
    const path = issue.path.join('.');
    const origin = origins.get(path) ?? (file === undefined ? undefined : `in ${file}`);
    return `${path || '(top level)'}: ${issue.message}${origin === undefined ? '' : ` (${origin})`}`;
  });
}

function convert(raw: string, kind: Kind): unknown {
  switch (kind) {
    case 'string':
      return raw;
    case 'integer':
      return /^-?\d+$/.test(raw) ? Number(raw) : undefined;
    case 'boolean':
      return ['1', 'true', 'yes'].includes(raw.toLowerCase())
        ? true
        : ['0', 'false', 'no'].includes(raw.toLowerCase())
          ? false
          : undefined;
    case 'list':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
  }
}

function describeKind(kind: Kind): string {
  return {
    string: 'a string',
    integer: 'a whole number',
    boolean: 'true or false',
    list: 'a comma-separated list',
  }[kind];
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1) as string] = value;
}

function blankToUndefined(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
