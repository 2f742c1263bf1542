// End-to-end load on the collector: N clients POST OTLP protobuf batches of 512 Lambda spans; we
// measure spans/s from the first request until every span is queryable in ClickHouse, request
// latency p50/p99 and the collector's peak RSS, in direct mode and in Kafka mode, and compare with
// ClickHouse generating the same rows itself (INSERT … SELECT), all in one run.
//   pnpm --filter @firefly/collector bench        (BENCH_SPANS=400000 BENCH_CLIENTS=8 to change)
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@clickhouse/client';
import { ClickHouseStorage } from '@firefly/clickhouse-storage';
import { freePort, stackLayout, startEphemeralStack } from '@firefly/devstack';
import { encodeTracesProtobuf } from '@firefly/otlp-codec';
import {
  insertSelectLambdaSpans,
  lambdaSpan,
} from '../../../packages/clickhouse-storage/bench/lambda-spans.mjs';

const BATCH = 512;
const BATCHES = Math.ceil(Number(process.env.BENCH_SPANS ?? 200_000) / BATCH);
const SPANS = BATCHES * BATCH;
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

// The servers' data in memory when the machine has /dev/shm, as in the storage bench (on this VM's
// disk the same run varied 2x); the Kafka jars stay in the project's cache. BENCH_DATA_DIR moves it.
const dataRoot = process.env.BENCH_DATA_DIR ?? (existsSync('/dev/shm') ? '/dev/shm' : undefined);
process.env.FIREFLY_STACK_CACHE ??= stackLayout().cacheDir;
const stack = await startEphemeralStack({
  services: ['clickhouse', 'kafka'],
  ...(dataRoot === undefined ? {} : { home: join(dataRoot, 'firefly-bench') }),
});
const clickhouse = createClient({ url: stack.clickhouse.url, request_timeout: 600_000, log: { level: 127 } });
const count = async (database) =>
  Number(
    (
      await (
        await clickhouse.query({
          query: `SELECT count() FROM ${database}.otel_traces`,
          format: 'TabSeparated',
        })
      ).text()
    ).trim(),
  );
const base = BigInt(Date.now() - 3_600_000) * 1_000_000n;

// Bodies are encoded before any clock starts: the bench measures the collector, not the client.
const bodies = Array.from({ length: BATCHES }, (_, b) =>
  Buffer.from(encodeTracesProtobuf(Array.from({ length: BATCH }, (_, i) => lambdaSpan(b * BATCH + i, base)))),
);

/** User + system CPU seconds a process has used so far (/proc/<pid>/stat, clock ticks of 1/100 s). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function runCollector(mode) {
  const database = `bench_${mode}`;
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [...(process.env.COLLECTOR_NODE_ARGS ?? '').split(' ').filter(Boolean), MAIN],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        // The heap cap the Dockerfile sets: without it V8 grows the heap lazily on a large machine.
        NODE_OPTIONS: process.env.COLLECTOR_NODE_OPTIONS ?? '--max-old-space-size=160',
        FIREFLY_HOST: '127.0.0.1',
        FIREFLY_PORT: String(port),
        FIREFLY_LOG_LEVEL: 'warn',
        FIREFLY_PIPELINE_MODE: mode,
        FIREFLY_CLICKHOUSE_URL: stack.clickhouse.url,
        FIREFLY_CLICKHOUSE_DATABASE: database,
        FIREFLY_CLICKHOUSE_TTL_DAYS: '0',
        ...(mode === 'kafka'
          ? {
              FIREFLY_KAFKA_BROKERS: stack.kafka.brokers.join(','),
              FIREFLY_KAFKA_COMPRESSION: process.env.BENCH_KAFKA_COMPRESSION ?? 'gzip',
              FIREFLY_KAFKA_GROUP_ID: `bench-${Date.now()}`,
            }
          : {}),
      },
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await until(async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.ok);
  const cpuBefore = [child.pid, stack.clickhouse.pid, stack.kafka.pid].map(cpuSeconds);
  const latencies = [];
  let refused = 0;
  let next = 0;
  const started = performance.now();
  const client = async () => {
    for (let body = bodies[next++]; body !== undefined; ) {
      const t = performance.now();
      const response = await fetch(`${url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body,
      });
      await response.arrayBuffer();
      latencies.push(performance.now() - t);
      if (response.ok) {
        body = bodies[next++];
      } else if (response.status === 429 || response.status === 503) {
        refused += 1; // the collector asked us to back off: wait as a real exporter would, then resend
        await new Promise((resolve) => setTimeout(resolve, 50));
      } else {
        throw new Error(`${mode}: ${response.status} ${await response.text()}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  const accepted = performance.now();
  await until(async () => (await count(database)) >= SPANS, 300_000);
  const queryable = performance.now();
  const selfMetrics = await (await fetch(`${url}/metrics`)).text();
  const gauge = (name) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(selfMetrics)?.[1] ?? 0) / 2 ** 20;
  const memory = `${gauge('firefly_nodejs_heap_size_total_bytes').toFixed(0)} / ${gauge('firefly_nodejs_external_memory_bytes').toFixed(0)}`;
  const [collectorCpu, clickhouseCpu, kafkaCpu] = [child.pid, stack.clickhouse.pid, stack.kafka.pid].map(
    (pid, i) => cpuSeconds(pid) - cpuBefore[i],
  );
  const peakRss =
    Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  latencies.sort((a, b) => a - b);
  const stored = await count(database);
  return {
    mode,
    spansPerSecond: SPANS / ((queryable - started) / 1000),
    acceptedPerSecond: SPANS / ((accepted - started) / 1000),
    p50: latencies[Math.floor(latencies.length * 0.5)],
    p99: latencies[Math.floor(latencies.length * 0.99)],
    refused,
    peakRss,
    duplicates: stored - SPANS,
    memory,
    // CPU µs per span in each process: where the 2 cores went.
    cpu: [collectorCpu, clickhouseCpu, kafkaCpu]
      .map((seconds) => ((seconds * 1e6) / SPANS).toFixed(1))
      .join(' / '),
  };
}

async function serverSideLimit() {
  const storage = new ClickHouseStorage({ url: stack.clickhouse.url, database: 'bench_limit', ttlDays: 0 });
  await storage.migrate();
  await storage.close();
  const started = performance.now();
  await insertSelectLambdaSpans(clickhouse, 'bench_limit.otel_traces', SPANS, base);
  return SPANS / ((performance.now() - started) / 1000);
}

async function until(probe, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

try {
  const results = [await runCollector('direct'), await runCollector('kafka')];
  const limit = await serverSideLimit();
  console.log(
    `Collector load: ${SPANS} Lambda SERVER spans in ${BATCHES} OTLP protobuf requests of ${BATCH}, ${CLIENTS} concurrent clients; ` +
      `ClickHouse ${stack.clickhouse.url}, Kafka ${stack.kafka.brokers.join(',')} (all on this machine)`,
  );
  console.table([
    ...results.map((r) => ({
      path: `collector, ${r.mode} mode`,
      'spans/s (accepted → queryable)': Math.round(r.spansPerSecond),
      'of limit': `${((r.spansPerSecond / limit) * 100).toFixed(0)}%`,
      'accept spans/s': Math.round(r.acceptedPerSecond),
      'p50 ms': r.p50.toFixed(1),
      'p99 ms': r.p99.toFixed(1),
      '429/503': r.refused,
      'peak RSS MiB': Math.round(r.peakRss / 2 ** 20),
      'heap / external MiB at end': r.memory,
      duplicates: r.duplicates,
      'CPU µs/span collector / ClickHouse / Kafka': r.cpu,
    })),
    {
      path: 'ClickHouse INSERT … SELECT (limit)',
      'spans/s (accepted → queryable)': Math.round(limit),
      'of limit': '100%',
    },
  ]);
  console.log('Targets: direct mode >= 50% of the limit; collector peak RSS <= 256 MiB.');
} finally {
  await clickhouse.close();
  await stack.stop();
}
