import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ENV, envInteger, PORT_RANGE } from '../env.js';
import { StackError } from '../errors.js';
import { choosePort, LOOPBACK } from '../ports.js';
import { awaitStartup } from '../process/health.js';
import { type Lifetime, spawnServer, terminate } from '../process/server-process.js';
import { resolveLibchdb } from './library.js';

export interface ClickHouseOptions {
  /** The server's folder: ClickHouse data in `data/`, its output in `server.log`. */
  dir: string;
  /** HTTP port; default FIREFLY_STACK_CLICKHOUSE_PORT, else a free ephemeral port. */
  httpPort?: number;
  lifetime?: Lifetime;
  startTimeoutMs?: number;
  /** libchdb.so to load; default FIREFLY_STACK_LIBCHDB, else the @chdb/lib-* package. */
  library?: string;
  python?: string;
}

export interface ClickHouseServer {
  readonly service: 'clickhouse';
  readonly pid: number;
  /** Base URL of ClickHouse's HTTP interface, e.g. for @clickhouse/client. */
  readonly url: string;
  readonly httpPort: number;
  readonly dataDir: string;
  readonly logFile: string;
  /** Milliseconds from spawn to the first successful health probe. */
  readonly startupMs: number;
  stop(): Promise<void>;
}

// clickhouse-local serves HTTP only while a query runs, so the launcher's query starts the listener
// and then sleeps a second per row over an endless table: ~0% CPU until the process is stopped.
const KEEP_ALIVE_QUERY =
  'SYSTEM START LISTEN HTTP; ' +
  'SELECT sleepEachRow(1) FROM system.numbers SETTINGS max_block_size = 1 FORMAT Null';

const DEFAULT_START_TIMEOUT_MS = 60_000;

export async function startClickHouse(options: ClickHouseOptions): Promise<ClickHouseServer> {
  const dir = resolve(options.dir);
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const library = resolveLibchdb(options.library);
  const requested = options.httpPort ?? envInteger(ENV.clickhousePort, PORT_RANGE);
  const httpPort = await choosePort('clickhouse', 'HTTP', requested);
  mkdirSync(dataDir, { recursive: true });

  const server = await spawnServer(
    {
      service: 'clickhouse',
      launch: [
        'clickhouse',
        library,
        '--',
        `--path=${dataDir}`,
        `--http_port=${httpPort}`,
        `--listen_host=${LOOPBACK}`,
        '--query',
        KEEP_ALIVE_QUERY,
      ],
      logFile,
      lifetime: options.lifetime ?? 'attached',
      instance: dir,
      cwd: dir,
    },
    options.python,
  );
  const url = `http://${LOOPBACK}:${httpPort}`;
  const startupMs = await awaitStartup(server, {
    service: 'clickhouse',
    probe: () => pingClickHouse(url),
    logFile,
    startTimeoutMs: options.startTimeoutMs,
    defaultTimeoutMs: DEFAULT_START_TIMEOUT_MS,
  });
  return {
    service: 'clickhouse',
    pid: server.pid,
    url,
    httpPort,
    dataDir,
    logFile,
    startupMs,
    stop: () => terminate(server.pid),
  };
}

/** Resolves when ClickHouse answers `GET /ping` with "Ok."; rejects with the reason otherwise. */
export async function pingClickHouse(url: string, timeoutMs = 2_000): Promise<void> {
  const ping = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(timeoutMs) });
  const body = await ping.text();
  if (!ping.ok || body.trim() !== 'Ok.') {
    throw new StackError(
      'COMMAND_FAILED',
      `GET /ping answered ${ping.status} "${body.trim().slice(0, 200)}"`,
    );
  }
}

/** The server's version string, e.g. "26.7.2.1". */
export async function clickHouseVersion(url: string, timeoutMs = 2_000): Promise<string> {
  const response = await fetch(`${url}/?query=${encodeURIComponent('SELECT version()')}`, {
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await response.text()).trim();
  if (!response.ok) throw new StackError('COMMAND_FAILED', `SELECT version() failed: ${body.slice(0, 200)}`);
  return body;
}
