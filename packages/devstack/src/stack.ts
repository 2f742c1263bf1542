import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { isAbandoned } from './ephemeral.js';
import { SERVICE_NAMES, type ServiceName } from './errors.js';
import { type StackLayout, stackLayout } from './paths.js';
import { findMarkedProcesses, instanceOf, residentBytes } from './process/procfs.js';
import { type Lifetime, terminate } from './process/server-process.js';
import { endpointOf, probeService, startService } from './services.js';
import { readState, type ServiceRecord, withStateLock, writeState } from './state.js';

export interface UpOptions {
  home?: string;
  services?: readonly ServiceName[];
  clickhousePort?: number;
  kafkaPort?: number;
  startTimeoutMs?: number;
  /** `detached` (default) keeps the servers running after this process exits. */
  lifetime?: Lifetime;
  /** Called as each server becomes healthy or is found already running. */
  onReady?: (status: ServiceStatus) => void;
}

export interface DownOptions {
  home?: string;
  services?: readonly ServiceName[];
  /** Also delete the servers' data. */
  purge?: boolean;
}

export interface ServiceStatus {
  service: ServiceName;
  state: 'healthy' | 'unhealthy' | 'stopped';
  /** ClickHouse HTTP URL or Kafka bootstrap servers. */
  endpoint?: string;
  pid?: number;
  rssBytes?: number;
  startupMs?: number;
  startedAt?: string;
  /** True when `up` found the server already running instead of starting it. */
  reused?: boolean;
  /** Why a server is unhealthy. */
  problem?: string;
  dataDir: string;
  logFile: string;
}

/** Starts the requested servers of the project's stack, reusing any that are already healthy. */
export async function up(options: UpOptions = {}): Promise<ServiceStatus[]> {
  const layout = stackLayout(options.home);
  return withStateLock(layout.stateFile, async () => {
    const result: ServiceStatus[] = [];
    for (const service of options.services ?? SERVICE_NAMES) {
      const ready = await upService(layout, service, options);
      result.push(ready);
      options.onReady?.(ready);
    }
    return result;
  });
}

async function upService(
  layout: StackLayout,
  service: ServiceName,
  options: UpOptions,
): Promise<ServiceStatus> {
  const existing = await inspect(layout, service);
  const port = service === 'clickhouse' ? options.clickhousePort : options.kafkaPort;
  if (existing.state === 'healthy' && (port === undefined || existing.endpoint?.endsWith(`:${port}`))) {
    return { ...existing, reused: true };
  }
  await stopService(layout, service); // a leftover must not hold the data folder or the port
  const lifetime = options.lifetime ?? 'detached';
  const server = await startService(service, {
    root: layout.stackDir,
    lifetime,
    cacheDir: layout.cacheDir,
    clickhousePort: options.clickhousePort,
    kafkaPort: options.kafkaPort,
    startTimeoutMs: options.startTimeoutMs,
  });
  const record: ServiceRecord = {
    pid: server.pid,
    endpoint: endpointOf(server),
    dir: join(layout.stackDir, service),
    dataDir: server.dataDir,
    logFile: server.logFile,
    startedAt: new Date().toISOString(),
    startupMs: server.startupMs,
    lifetime,
  };
  const state = readState(layout.stateFile);
  state.services[service] = record;
  writeState(layout.stateFile, state);
  return toStatus(service, record, 'healthy');
}

/** Stops the requested servers (all by default) and any stray process of this stack home. */
export async function down(options: DownOptions = {}): Promise<ServiceName[]> {
  const layout = stackLayout(options.home);
  const services = options.services ?? SERVICE_NAMES;
  return withStateLock(layout.stateFile, async () => {
    const stopped: ServiceName[] = [];
    for (const service of services) {
      if (await stopService(layout, service)) stopped.push(service);
      if (options.purge) rmSync(join(layout.stackDir, service), { recursive: true, force: true });
    }
    if (options.services === undefined) await stopOrphanedTestServers(layout);
    return stopped;
  });
}

/** Health of every server the stack knows about. */
export async function status(options: { home?: string } = {}): Promise<ServiceStatus[]> {
  const layout = stackLayout(options.home);
  return Promise.all(SERVICE_NAMES.map((service) => inspect(layout, service)));
}

async function inspect(layout: StackLayout, service: ServiceName): Promise<ServiceStatus> {
  const record = readState(layout.stateFile).services[service];
  // A recorded pid counts only while it still carries our marker: pids get reused.
  if (record === undefined || instanceOf(record.pid) !== record.dir) {
    const dir = join(layout.stackDir, service);
    const stopped: ServiceStatus = {
      service,
      state: 'stopped',
      dataDir: join(dir, 'data'),
      logFile: join(dir, 'server.log'),
    };
    const [stray] = findMarkedProcesses(dir);
    if (stray === undefined) return stopped;
    const problem = `pid ${stray.pid} runs from ${dir} but is not in ${layout.stateFile}; "firefly-stack down" stops it`;
    return { ...stopped, state: 'unhealthy', pid: stray.pid, problem };
  }
  try {
    await probeService(service, record.endpoint);
    return toStatus(service, record, 'healthy');
  } catch (error) {
    return { ...toStatus(service, record, 'unhealthy'), problem: (error as Error).message };
  }
}

function toStatus(service: ServiceName, record: ServiceRecord, state: ServiceStatus['state']): ServiceStatus {
  const rssBytes = residentBytes(record.pid);
  return {
    service,
    state,
    endpoint: record.endpoint,
    pid: record.pid,
    ...(rssBytes === undefined ? {} : { rssBytes }),
    startupMs: record.startupMs,
    startedAt: record.startedAt,
    dataDir: record.dataDir,
    logFile: record.logFile,
  };
}

/** Stops the recorded server and any process marked with its folder; true if something ran. */
async function stopService(layout: StackLayout, service: ServiceName): Promise<boolean> {
  // By marker, not by the recorded pid: that finds servers whose state was lost and never hits
  // an unrelated process that reused a recorded pid.
  const pids = findMarkedProcesses(join(layout.stackDir, service)).map((p) => p.pid);
  await Promise.all(pids.map((pid) => terminate(pid)));
  const state = readState(layout.stateFile);
  if (state.services[service] !== undefined) {
    delete state.services[service];
    writeState(layout.stateFile, state);
  }
  return pids.length > 0;
}

/** Test servers outlive their runner only if PR_SET_PDEATHSIG failed; sweep them anyway. */
async function stopOrphanedTestServers(layout: StackLayout): Promise<void> {
  const strays = findMarkedProcesses(layout.tmpDir).filter((p) => isAbandoned(layout.tmpDir, p.instance));
  await Promise.all(strays.map((p) => terminate(p.pid)));
}
