import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ENV, envBoolean } from '../env.js';
import { StackError } from '../errors.js';
import { stackLayout } from '../paths.js';
import { choosePort, LOOPBACK } from '../ports.js';
import { awaitStartup } from '../process/health.js';
import { type Lifetime, spawnServer, terminate } from '../process/server-process.js';
import { ensurePrometheus } from './binary.js';

export interface PrometheusOptions {
  /**
   * The configuration (prometheus.yml) as an object; written as JSON, which is YAML too. Scrape
   * and remote_write settings are the caller's: that is what a test is about.
   */
  config: Record<string, unknown>;
  /** The server's folder; default a fresh folder under `<stack home>/tmp`, deleted on stop. */
  dir?: string;
  /** Web/API port; default a free ephemeral port. */
  port?: number;
  /** Accept remote write on `/api/v1/write` (`--web.enable-remote-write-receiver`). */
  remoteWriteReceiver?: boolean;
  /** `--enable-feature` values, e.g. `native-histograms`. */
  features?: string[];
  lifetime?: Lifetime;
  startTimeoutMs?: number;
  binary?: string;
  python?: string;
}

export interface PrometheusServer {
  readonly service: 'prometheus';
  readonly pid: number;
  /** Base URL of the web UI and HTTP API, e.g. `${url}/api/v1/query`. */
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  readonly logFile: string;
  readonly version: string;
  readonly startupMs: number;
  /** Stops the server; deletes its folder if this call created it (unless kept for debugging). */
  stop(): Promise<void>;
}

const DEFAULT_START_TIMEOUT_MS = 60_000;

/** Runs Prometheus (installing Debian's package first if needed and allowed) with `config`. */
export async function startPrometheus(options: PrometheusOptions): Promise<PrometheusServer> {
  const layout = stackLayout();
  const binary = await ensurePrometheus({
    cacheDir: layout.cacheDir,
    ...(options.binary === undefined ? {} : { binary: options.binary }),
  });
  const owned = options.dir === undefined;
  // Named like a test run's folder (<pid>-<id>), so it is swept if this process dies without stopping it.
  const dir = resolve(
    options.dir ?? join(layout.tmpDir, `${process.pid}-${randomBytes(4).toString('hex')}`, 'prometheus'),
  );
  const port = await choosePort('prometheus', 'web', options.port);
  const configFile = join(dir, 'prometheus.yml');
  const logFile = join(dir, 'server.log');
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(configFile, `${JSON.stringify(options.config, null, 2)}\n`);

  const args = [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=${LOOPBACK}:${port}`,
    ...(options.remoteWriteReceiver ? ['--web.enable-remote-write-receiver'] : []),
    ...(options.features?.length ? [`--enable-feature=${options.features.join(',')}`] : []),
  ];
  const server = await spawnServer(
    {
      service: 'prometheus',
      launch: ['exec', '--', binary.path, ...args],
      logFile,
      lifetime: options.lifetime ?? 'attached',
      instance: dir,
      cwd: dir,
    },
    options.python,
  );
  const url = `http://${LOOPBACK}:${port}`;
  const stop = async () => {
    await terminate(server.pid);
    if (owned && !envBoolean(ENV.keepTestData)) rmSync(resolve(dir, '..'), { recursive: true, force: true });
  };
  const startupMs = await awaitStartup(server, {
    service: 'prometheus',
    probe: () => probePrometheus(url),
    logFile,
    startTimeoutMs: options.startTimeoutMs,
    defaultTimeoutMs: DEFAULT_START_TIMEOUT_MS,
  });
  return {
    service: 'prometheus',
    pid: server.pid,
    url,
    port,
    dir,
    logFile,
    version: binary.version,
    startupMs,
    stop,
  };
}

/** Resolves when Prometheus answers `GET /-/ready` with 200. */
export async function probePrometheus(url: string, timeoutMs = 2_000): Promise<void> {
  const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(timeoutMs) });
  const body = await response.text();
  if (!response.ok) {
    throw new StackError(
      'COMMAND_FAILED',
      `GET /-/ready answered ${response.status} "${body.trim().slice(0, 200)}"`,
    );
  }
}
