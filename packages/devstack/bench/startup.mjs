// Start-up time and memory of the dev-stack servers, cold and warm.
//   pnpm --filter @firefly/devstack bench            (add -- --drop-caches as root for a cold page cache)
// Cold Kafka resolves the jars into an empty Maven repository and cache, so it downloads from Maven
// Central; cold ClickHouse starts on an empty data folder. Warm runs reuse both and report medians.
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureKafkaJars, residentBytes, startClickHouse, startKafka } from '../dist/index.js';

const WARM_RUNS = 5;
const dropCaches = process.argv.includes('--drop-caches');
const root = mkdtempSync(join(tmpdir(), 'firefly-bench-startup-'));
const rows = [];

function coldPageCache() {
  if (!dropCaches) return;
  execSync('sync');
  writeFileSync('/proc/sys/vm/drop_caches', '3\n');
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timed(work) {
  const started = performance.now();
  const result = await work();
  return { result, ms: Math.round(performance.now() - started) };
}

/** Starts a server, waits a moment for RSS to settle, records it, stops it. */
async function measure(label, start) {
  const { result: server, ms } = await timed(start);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const rss = residentBytes(server.pid) ?? 0;
  await server.stop();
  return { label, wallMs: ms, healthyMs: server.startupMs, rssMiB: Math.round(rss / 2 ** 20) };
}

try {
  const cacheDir = join(root, 'cache');
  process.env.MAVEN_OPTS = `${process.env.MAVEN_OPTS ?? ''} -Dmaven.repo.local=${join(root, 'm2')}`;
  coldPageCache();
  const cold = await timed(() => ensureKafkaJars({ cacheDir }));
  const warm = await timed(() => ensureKafkaJars({ cacheDir }));
  rows.push({ label: 'kafka jars, cold (empty Maven repo: download)', wallMs: cold.ms });
  rows.push({ label: 'kafka jars, warm (cache hit, no Maven)', wallMs: warm.ms });

  const chDir = join(root, 'clickhouse');
  coldPageCache();
  rows.push(
    await measure('clickhouse, cold (first start, empty data)', () => startClickHouse({ dir: chDir })),
  );
  const chWarm = [];
  for (let i = 0; i < WARM_RUNS; i++) chWarm.push(await measure('', () => startClickHouse({ dir: chDir })));
  rows.push(summary(`clickhouse, warm (median of ${WARM_RUNS} restarts)`, chWarm));

  const kafkaDir = join(root, 'kafka');
  coldPageCache();
  rows.push(
    await measure('kafka, cold (format + first start)', () => startKafka({ dir: kafkaDir, cacheDir })),
  );
  const kafkaWarm = [];
  for (let i = 0; i < WARM_RUNS; i++)
    kafkaWarm.push(await measure('', () => startKafka({ dir: kafkaDir, cacheDir })));
  rows.push(summary(`kafka, warm (median of ${WARM_RUNS} restarts)`, kafkaWarm));

  console.log(
    `dev-stack start-up (${dropCaches ? 'page cache dropped before cold runs' : 'page cache not dropped'})`,
  );
  console.table(rows);
} finally {
  rmSync(root, { recursive: true, force: true });
}

function summary(label, runs) {
  return {
    label,
    wallMs: median(runs.map((r) => r.wallMs)),
    healthyMs: median(runs.map((r) => r.healthyMs)),
    rssMiB: median(runs.map((r) => r.rssMiB)),
  };
}
