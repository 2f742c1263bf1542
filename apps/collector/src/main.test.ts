// The firefly-collector binary as an operator runs it: --help, configuration errors, and a
// graceful SIGTERM that flushes what it accepted.
import { spawn, spawnSync } from 'node:child_process';
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
