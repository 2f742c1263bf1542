// The firefly-collector binary as an operator runs it: --help, configuration errors, and a
// graceful SIGTERM that flushes what it accepted.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClickHouseStorage } from '@firefly/clickhouse-storage';
import { freePort } from '@firefly/devstack';
import { encodeTracesProtobuf } from '@firefly/otlp-codec';
import { describe, expect, it } from 'vitest';
import { stack, unique, until } from '../test-support/collector.js';
import { lambdaSpans } from '../test-support/receivers.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

describe('firefly-collector', () => {
  it('--help lists the endpoints and every environment variable', () => {
    const result = spawnSync(process.execPath, [MAIN, '--help'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('POST /v1/traces');
    expect(result.stdout).toContain('FIREFLY_CLICKHOUSE_URL');
    expect(result.stdout).toContain('FIREFLY_KAFKA_BROKERS');
  });

  it('exits 2 naming every bad setting, and starts nothing', () => {
    const result = spawnSync(process.execPath, [MAIN], {
      encoding: 'utf8',
      env: { ...process.env, FIREFLY_CLICKHOUSE_URL: 'not a url', FIREFLY_PORT: 'eighty' },
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('firefly-collector: invalid configuration:');
    expect(result.stderr).toContain('server.port: FIREFLY_PORT="eighty" is not a whole number');
    expect(result.stderr).toMatch(/storage\.clickhouse\.url: .* \(FIREFLY_CLICKHOUSE_URL\)/);
  });

  it('exits 1 when it cannot listen, though its Kafka consumers were already running', async () => {
    // The port is taken only after Kafka and ClickHouse were set up: listening is the last step.
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    const id = unique('main');
    const configFile = join(await mkdtemp(join(tmpdir(), 'firefly-main-')), 'collector.json');
    await writeFile(
      configFile,
      JSON.stringify({
        server: { host: '127.0.0.1', port, shutdownTimeoutMs: 5_000 },
        kafka: {
          brokers: stack().kafkaBrokers,
          groupId: `${id}-writers`,
          topics: { traces: `${id}.traces`, metrics: `${id}.metrics`, deadLetter: `${id}.dead-letter` },
        },
        storage: { clickhouse: { url: stack().clickhouseUrl, database: id, ttlDays: 0 } },
        logLevel: 'warn',
      }),
    );
    const child = spawn(process.execPath, [MAIN, '--config', configFile], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      const outcome = await Promise.race([
        exited,
        new Promise<string>((resolve) => setTimeout(() => resolve('still running after 30 s'), 30_000)),
      ]);
      expect(outcome).toBe(1);
      expect(stderr).toContain('EADDRINUSE');
    } finally {
      child.kill('SIGKILL');
      taken.close();
    }
  });

  it('on SIGTERM stops accepting, flushes what it accepted to ClickHouse and exits 0', async () => {
    const database = unique('main');
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        FIREFLY_HOST: '127.0.0.1',
        FIREFLY_PORT: String(port),
        FIREFLY_LOG_LEVEL: 'warn',
        FIREFLY_CLICKHOUSE_URL: stack().clickhouseUrl,
        FIREFLY_CLICKHOUSE_DATABASE: database,
        FIREFLY_CLICKHOUSE_TTL_DAYS: '0',
        // Long enough that nothing is written before the signal: the flush is the shutdown's.
        FIREFLY_BATCH_TIMEOUT_MS: '60000',
      },
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const url = `http://127.0.0.1:${port}`;
    await until('readiness', 60_000, async () =>
      (await fetch(`${url}/readyz`).catch(() => undefined))?.ok ? true : undefined,
    );
    const spans = lambdaSpans(300);
    const response = await fetch(`${url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: encodeTracesProtobuf(spans),
    });
    expect(response.status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const storage = new ClickHouseStorage({ url: stack().clickhouseUrl, database });
    expect(await storage.reader.spansOfTraces([...new Set(spans.map((s) => s.traceId))])).toHaveLength(300);
    await storage.close();
  });
});
