import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { pingClickHouse } from './clickhouse/server.js';
import { probeKafka } from './kafka/server.js';
import { packageFile, stackLayout } from './paths.js';
import { findMarkedProcesses, isRunning } from './process/procfs.js';
import { type ServiceStatus, status } from './stack.js';

const run = promisify(execFile);
const home = mkdtempSync(join(tmpdir(), 'firefly-stack-cli-'));
const bin = packageFile('bin', 'firefly-stack.js');
// The project's jar cache, so this test never downloads Kafka a second time.
const env = { ...process.env, FIREFLY_STACK_CACHE: stackLayout().cacheDir };

async function cli(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [bin, ...args, '--home', home], { env });
}

async function cliJson<T>(...args: string[]): Promise<T> {
  return JSON.parse((await cli(...args, '--json')).stdout) as T;
}

afterAll(async () => {
  await cli('down').catch(() => undefined);
  rmSync(home, { recursive: true, force: true });
});

/** Starts `up --foreground` and resolves with its first row's endpoint once it is healthy. */
function foreground(
  service: string,
): Promise<{ cli: ChildProcessWithoutNullStreams; endpoint: string; output: () => string }> {
  const cli = spawn(process.execPath, [bin, 'up', service, '--foreground', '--home', home], { env });
  let output = '';
  cli.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  cli.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolveReady, reject) => {
    cli.stdout.on('data', () => {
      const endpoint = /^\S+\s+healthy\s+(\S+)/m.exec(output)?.[1];
      if (endpoint && output.includes('Ctrl-C')) resolveReady({ cli, endpoint, output: () => output });
    });
    cli.once('exit', (code) => reject(new Error(`exited with ${code} before it was ready:\n${output}`)));
  });
}

function exitOf(cli: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolveExit) => cli.once('exit', (code) => resolveExit(code)));
}

describe('firefly-stack CLI', () => {
  it('up starts both servers detached, status reports them healthy, down leaves no process', async () => {
    const started = await cliJson<ServiceStatus[]>('up', 'all');
    expect(started.map((s) => [s.service, s.state])).toEqual([
      ['clickhouse', 'healthy'],
      ['kafka', 'healthy'],
    ]);

    // The CLI process has exited; the servers it started keep serving.
    const listed = await cliJson<ServiceStatus[]>('status');
    const clickhouse = listed.find((s) => s.service === 'clickhouse');
    const kafka = listed.find((s) => s.service === 'kafka');
    expect(clickhouse).toMatchObject({
      state: 'healthy',
      endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    });
    expect(kafka).toMatchObject({ state: 'healthy', endpoint: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
    expect(clickhouse?.rssBytes).toBeGreaterThan(0);
    await pingClickHouse(clickhouse?.endpoint ?? '');
    await probeKafka([kafka?.endpoint ?? '']);

    const text = (await cli('status')).stdout;
    expect(text).toContain(`clickhouse  healthy    ${clickhouse?.endpoint}`);

    const again = await cliJson<ServiceStatus[]>('up');
    expect(again.map((s) => [s.pid, s.reused])).toEqual([
      [clickhouse?.pid, true],
      [kafka?.pid, true],
    ]);

    expect(await cliJson('down')).toEqual({ stopped: ['clickhouse', 'kafka'] });
    expect(isRunning(clickhouse?.pid ?? 0)).toBe(false);
    expect(isRunning(kafka?.pid ?? 0)).toBe(false);
    expect(findMarkedProcesses(home)).toEqual([]);
    const after = await cliJson<ServiceStatus[]>('status');
    expect(after.map((s) => s.state)).toEqual(['stopped', 'stopped']);
  });

  it('down --purge deletes the data; down on a stopped stack says so', async () => {
    await cliJson('up', 'clickhouse');
    expect(existsSync(join(home, 'stack', 'clickhouse', 'data'))).toBe(true);
    expect(await cliJson('down', 'clickhouse', '--purge')).toEqual({ stopped: ['clickhouse'] });
    expect(existsSync(join(home, 'stack', 'clickhouse'))).toBe(false);
    expect((await cli('down')).stdout.trim()).toBe('nothing was running');
  });

  it('down finds servers by their environment marker even when the state file is lost', async () => {
    const [started] = await cliJson<ServiceStatus[]>('up', 'clickhouse');
    rmSync(join(home, 'stack', 'state.json'));
    const [stray] = await status({ home });
    expect(stray).toMatchObject({
      state: 'unhealthy',
      pid: started?.pid,
      problem: expect.stringContaining('not in'),
    });
    await expect(cli('status')).rejects.toMatchObject({ code: 1 });
    expect(await cliJson('down')).toEqual({ stopped: ['clickhouse'] });
    expect(isRunning(started?.pid ?? 0)).toBe(false);
    expect(findMarkedProcesses(home)).toEqual([]);
  });

  it('up --foreground serves until Ctrl-C, then stops the server and exits 0', async () => {
    const { cli, endpoint, output } = await foreground('clickhouse');
    await pingClickHouse(endpoint);
    const [running] = await cliJson<ServiceStatus[]>('status');
    expect(running).toMatchObject({ service: 'clickhouse', state: 'healthy', endpoint });
    const exited = exitOf(cli);
    cli.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output()).toContain('SIGINT: stopping clickhouse');
    expect(isRunning(running?.pid ?? 0)).toBe(false);
  });

  it('up --foreground exits 1 naming the server and its log when the server dies', async () => {
    const { cli, output } = await foreground('clickhouse');
    const [running] = await cliJson<ServiceStatus[]>('status');
    const exited = exitOf(cli);
    process.kill(running?.pid ?? 0, 'SIGKILL');
    expect(await exited).toBe(1);
    expect(output()).toContain(
      `clickhouse (pid ${running?.pid}) exited unexpectedly; see ${join(home, 'stack', 'clickhouse', 'server.log')}`,
    );
    expect((await cliJson<ServiceStatus[]>('status'))[0]?.state).toBe('stopped');
  });

  it('rejects bad arguments with exit code 2 and a message naming them', async () => {
    await expect(cli('up', 'postgres')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown service "postgres"'),
    });
    await expect(cli('up', '--kafka-port', '99999')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--kafka-port must be a whole number from 1 to 65535, got "99999"'),
    });
    await expect(cli('restart')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown command "restart"'),
    });
  });
});
