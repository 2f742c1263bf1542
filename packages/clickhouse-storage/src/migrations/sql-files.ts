import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { quoteIdentifier } from '../sql/identifier.js';

/** The package's `sql/` folder, found the same from `src/` (tests) and `dist/` (published). */
const SQL_DIR = fileURLToPath(new URL('../../sql/', import.meta.url));

export interface Migration {
  /** The file name without `.sql`, e.g. `0001_traces`; applied in this order. */
  readonly version: string;
  /** The template with its includes expanded, before configuration is filled in. */
  readonly template: string;
  /** sha256 of `template`: a migration edited after it was applied is refused. */
  readonly checksum: string;
}

export interface RenderContext {
  database: string;
  ttlDays: number;
  dedupWindow: number;
}

export function loadMigrations(): Migration[] {
  return readdirSync(`${SQL_DIR}migrations`)
    .filter((name) => /^\d{4}_[a-z0-9_]+\.sql$/.test(name))
    .sort()
    .map((name) => {
      const template = expandIncludes(readFileSync(`${SQL_DIR}migrations/${name}`, 'utf8'));
      return {
        version: name.slice(0, -'.sql'.length),
        template,
        checksum: createHash('sha256').update(template).digest('hex'),
      };
    });
}

/** A script or query under `sql/`, includes expanded. */
export function loadSql(name: string): string {
  return expandIncludes(readFileSync(`${SQL_DIR}${name}`, 'utf8'));
}

function expandIncludes(template: string): string {
  return template.replace(/^\{\{include ([a-z-]+)\}\}\n/gm, (_, fragment: string) =>
    readFileSync(`${SQL_DIR}fragments/${fragment}.sql`, 'utf8'),
  );
}

/** Fills `{{database}}` (quoted), `{{dedup_window}}` and `{{ttl Column}}` in. */
export function render(template: string, context: RenderContext): string {
  return template
    .replaceAll('{{database}}', quoteIdentifier(context.database))
    .replaceAll('{{dedup_window}}', String(context.dedupWindow))
    .replace(/\{\{ttl ([A-Za-z]+)\}\}/g, (_, column: string) => ttlClause(column, context.ttlDays));
}

/** `TTL …` for a table whose time column is `column`, or '' to keep data forever. */
export function ttlClause(column: string, ttlDays: number): string {
  return ttlDays > 0 ? `TTL toDateTime(${column}) + toIntervalDay(${ttlDays})` : '';
}

/** The statements of a rendered script: comments dropped, split at semicolons that end a line. */
export function statements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
