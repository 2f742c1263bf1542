import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { pingClickHouse } from './clickhouse/server.js';
import { startEphemeralStack } from './ephemeral.js';
import { packageFile, stackLayout } from './paths.js';
import { findMarkedProcesses, isRunning } from './process/procfs.js';

const home = mkdtempSync(join(tmpdir(), 'firefly-ephemeral-'));
const cache = stackLayout().cacheDir;
afterAll(() => rmSync(home, { recursive: true, force: true }));

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

describe('ephemeral stacks for test runs', () => {
  it('start on fresh data and free ports, and stop() removes processes and folder', async () => {
    const stack = await startEphemeralStack({ home, services: ['clickhouse'] });
    expect(stack.kafka).toBeUndefined();
    expect(stack.dir.startsWith(join(home, 'tmp', `${process.pid}-`))).toBe(true);
    await pingClickHouse(stack.clickhouse?.url ?? '');
    await stack.stop();
    await stack.stop(); // idempotent
    expect(isRunning(stack.clickhouse?.pid ?? 0)).toBe(false);
    expect(existsSync(stack.dir)).toBe(false);
  });

  it('die with the test runner when it is killed, and their folder is swept on the next start', async () => {
    const entry = pathToFileURL(packageFile('dist', 'index.js')).href;
    const script = `
      import { startEphemeralStack } from ${JSON.stringify(entry)};
      const stack = await startEphemeralStack({ home: ${JSON.stringify(home)} });
      console.log(JSON.stringify({ dir: stack.dir, pids: [stack.clickhouse.pid, stack.kafka.pid] }));
      setInterval(() => {}, 60_000);`;
    const runner = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, FIREFLY_STACK_CACHE: cache },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolveLine, reject) => {
      runner.stdout.once('data', (chunk: Buffer) => resolveLine(chunk.toString()));
      runner.once('exit', (code) => reject(new Error(`runner exited early with code ${code}`)));
    });
    const { dir, pids } = JSON.parse(line) as { dir: string; pids: number[] };
    expect(pids.every(isRunning)).toBe(true);
    expect(
      findMarkedProcesses(home)
        .map((p) => p.service)
        .sort(),
    ).toEqual(['clickhouse', 'kafka']);

    runner.kill('SIGKILL'); // no teardown runs: only the kernel's parent-death signal is left
    expect(await until(() => !pids.some(isRunning), 30_000)).toBe(true);
    expect(findMarkedProcesses(home)).toEqual([]);

    expect(existsSync(dir)).toBe(true);
    const next = await startEphemeralStack({ home, services: ['clickhouse'] });
    expect(existsSync(dir)).toBe(false);
    await next.stop();
  });
});
