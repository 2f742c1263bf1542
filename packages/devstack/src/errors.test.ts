import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClickHouse } from './clickhouse/server.js';
import { StackError } from './errors.js';
import { ensureKafkaJars, KAFKA_VERSION } from './kafka/jars.js';
import { startKafka } from './kafka/server.js';
import { stackLayout } from './paths.js';
import { findMarkedProcesses } from './process/procfs.js';

const root = mkdtempSync(join(tmpdir(), 'firefly-errors-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('start-up failures name the server, the reason and the log', () => {
  let blocker: Server;
  let takenPort = 0;
  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    takenPort = (blocker.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((done) => blocker.close(() => done())));

  it('refuses a port that is already taken', async () => {
    await expect(startClickHouse({ dir: join(root, 'port'), httpPort: takenPort })).rejects.toMatchObject({
      code: 'PORT_IN_USE',
      service: 'clickhouse',
      message: `clickhouse: HTTP port ${takenPort} on 127.0.0.1 is already in use; choose another or omit it for a free one`,
    });
  });

  it('reports a server that exits during start-up, with the tail of its log', async () => {
    const dir = join(root, 'broken-library');
    const notALibrary = join(root, 'libchdb.so');
    writeFileSync(notALibrary, 'not an ELF file');
    const error = await startClickHouse({ dir, library: notALibrary }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StackError);
    expect(error).toMatchObject({
      code: 'PROCESS_EXITED',
      service: 'clickhouse',
      logFile: join(dir, 'server.log'),
    });
    const message = (error as StackError).message;
    expect(message).toMatch(
      /^clickhouse exited with code 1 before it became healthy \(last probe: .+\); log: /,
    );
    expect(message).toContain(`log: ${join(dir, 'server.log')}`);
    // The log tail carries the launcher's own words.
    expect(message).toContain(
      `launch.py: cannot load ClickHouse from ${notALibrary}: ${notALibrary}: file too short`,
    );
  });

  it('times out a server that is not healthy in time and leaves no process behind', async () => {
    const dir = join(root, 'slow');
    // A launcher that never serves (a real ClickHouse can answer the first probe even within a
    // 1 ms budget on a busy machine) and, like pyenv's python3 shim, forks a helper into its
    // process group that outlives it for a moment after SIGTERM.
    const launcher = join(root, 'never-healthy.sh');
    writeFileSync(
      launcher,
      '#!/bin/sh\n(trap "sleep 0.5; exit 0" TERM; while :; do sleep 0.05; done) &\nexec sleep 600\n',
      { mode: 0o755 },
    );
    const error = await startClickHouse({ dir, python: launcher, startTimeoutMs: 500 }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'START_TIMEOUT', service: 'clickhouse' });
    expect((error as Error).message).toMatch(
      new RegExp(
        `^clickhouse did not become healthy within 500 ms \\(last probe: .+\\); log: ${dir}/server\\.log`,
      ),
    );
    expect(findMarkedProcesses(dir)).toEqual([]);
  });

  it('names a missing Java', async () => {
    await expect(
      startKafka({ dir: join(root, 'no-java'), java: join(root, 'no-such-java') }),
    ).rejects.toMatchObject({
      code: 'PREREQUISITE_MISSING',
      service: 'kafka',
      message: expect.stringContaining(
        `kafka: Java ("${join(root, 'no-such-java')}") was not found; install JDK 17+`,
      ),
    });
  });
});

describe('Kafka jar cache', () => {
  it('serves a second start from the cache without running Maven', async () => {
    const jars = await ensureKafkaJars({ cacheDir: stackLayout().cacheDir, mvn: join(root, 'no-such-mvn') });
    expect(jars).toMatchObject({ version: KAFKA_VERSION, downloaded: false });
  });

  it('names a missing Maven', async () => {
    await expect(
      ensureKafkaJars({ cacheDir: join(root, 'cache'), mvn: join(root, 'no-such-mvn') }),
    ).rejects.toMatchObject({
      code: 'PREREQUISITE_MISSING',
      message: expect.stringContaining('kafka: Maven'),
    });
  });

  it('reports a failed resolution with the Maven log and leaves no partial cache', async () => {
    const cacheDir = join(root, 'bad-version');
    const error = await ensureKafkaJars({ cacheDir, version: '0.0.0-no-such-release' }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'INSTALL_FAILED',
      logFile: join(cacheDir, 'mvn-kafka-0.0.0-no-such-release.log'),
    });
    expect((error as Error).message).toContain(
      'resolving org.apache.kafka:kafka_2.13:0.0.0-no-such-release from Maven Central failed',
    );
    await expect(
      ensureKafkaJars({ cacheDir, version: '0.0.0-no-such-release', mvn: join(root, 'no-mvn') }),
    ).rejects.toMatchObject({
      code: 'PREREQUISITE_MISSING',
    });
  });
});
