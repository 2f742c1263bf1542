import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { ClickHouseServer } from './clickhouse/server.js';
import { ENV, envBoolean } from './env.js';
import { SERVICE_NAMES, type ServiceName } from './errors.js';
import type { KafkaServer } from './kafka/server.js';
import { stackLayout } from './paths.js';
import { isRunning } from './process/procfs.js';
import { type RunningServer, startService } from './services.js';

export interface EphemeralStackOptions {
  services?: readonly ServiceName[];
  home?: string;
  startTimeoutMs?: number;
  /** Keep the data folder after stop (also FIREFLY_STACK_KEEP_TEST_DATA=1), e.g. to read logs. */
  keepData?: boolean;
}

export interface EphemeralStack {
  /** `<home>/tmp/<this pid>-<random>`: one folder per server below it. */
  readonly dir: string;
  readonly clickhouse: ClickHouseServer | undefined;
  readonly kafka: KafkaServer | undefined;
  /** Stops every server and deletes the folder. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Servers for one test run: fresh data, free ports, and tied to this process: they receive SIGTERM
 * from the kernel if it dies, so an aborted run leaves nothing behind.
 */
export async function startEphemeralStack(options: EphemeralStackOptions = {}): Promise<EphemeralStack> {
  const layout = stackLayout(options.home);
  removeAbandonedInstances(layout.tmpDir);
  const dir = join(layout.tmpDir, `${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  const services = options.services ?? SERVICE_NAMES;
  const started = await Promise.allSettled(
    services.map((service) =>
      startService(service, {
        root: dir,
        lifetime: 'attached',
        cacheDir: layout.cacheDir,
        startTimeoutMs: options.startTimeoutMs,
      }),
    ),
  );
  const servers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const keep = options.keepData ?? envBoolean(ENV.keepTestData);
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await Promise.all(servers.map((server) => server.stop()));
      if (!keep) rmSync(dir, { recursive: true, force: true });
    })();
    return stopping;
  };
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  return { dir, clickhouse: find(servers, 'clickhouse'), kafka: find(servers, 'kafka'), stop };
}

function find<S extends ServiceName>(
  servers: RunningServer[],
  service: S,
): Extract<RunningServer, { service: S }> | undefined {
  return servers.find((s): s is Extract<RunningServer, { service: S }> => s.service === service);
}

/** Deletes folders of earlier runs whose runner process is gone (e.g. killed mid-run). */
function removeAbandonedInstances(tmpDir: string): void {
  let entries: string[];
  try {
    entries = readdirSync(tmpDir);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (isAbandoned(tmpDir, join(tmpDir, entry)))
      rmSync(join(tmpDir, entry), { recursive: true, force: true });
  }
}

/** True when `path` lies in a test-run folder `<tmpDir>/<runner pid>-<id>` whose runner is gone. */
export function isAbandoned(tmpDir: string, path: string): boolean {
  const folder = relative(tmpDir, path).split(sep, 1)[0] ?? '';
  const owner = /^(\d+)-/.exec(folder)?.[1];
  return owner !== undefined && !isRunning(Number(owner));
}
