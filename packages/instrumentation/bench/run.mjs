// Firefly's Lambda instrumentation vs the OpenTelemetry Lambda instrumentation, side by side in one
// run, same trivial handler (bench/function), same local OTLP endpoint, same Runtime API stand-in
// (test-support/), the runtime client in a child process as Lambda runs the Node.js runtime.
//
//   pnpm --filter @firefly/instrumentation bench        (BENCH_INVOCATIONS, BENCH_COLD_RUNS to change)
//
// (a) cold start: spawn → Lambda's Init done (runtime and extensions waiting for the first event),
//     median of BENCH_COLD_RUNS fresh processes, minus the same without instrumentation;
// (b) latency the caller sees: the Runtime API's delivery of the event → the response's arrival,
//     and the handler call as the runtime saw it, p50/p99 over BENCH_INVOCATIONS invocations
//     (one event-loop turn between them), spans counted at the endpoint;
// (c) layer size: our zip vs an esbuild bundle of the OpenTelemetry setup, zipped the same way,
//     and the OpenTelemetry packages as installed (what an unbundled layer ships).
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { zip } from '../scripts/zip.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const cache = path.join(root, 'bench/.cache');
const INVOCATIONS = Number(process.env.BENCH_INVOCATIONS ?? 10_000);
const WARMUP = 500;
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 25);
const event = JSON.parse(readFileSync(path.join(root, 'src/testdata/events/apigw-http.json'), 'utf8'));
const taskRoot = path.join(root, 'bench/function');
mkdirSync(cache, { recursive: true });

// --- builds ---------------------------------------------------------------------------------------

execFileSync(process.execPath, ['scripts/build-layer.mjs', '--out', path.join(cache, 'layer')], {
  cwd: root,
});
const ourLoader = path.join(cache, 'layer/nodejs/node_modules/@firefly/instrumentation/loader.mjs');
const ourZip = statSync(path.join(cache, 'layer/firefly-instrumentation-layer.zip')).size;

const otelBundleDir = path.join(cache, 'otel-layer/nodejs');
await build({
  absWorkingDir: root,
  entryPoints: { 'otel-init': 'bench/otel-init.mjs' },
  outdir: otelBundleDir,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  mainFields: ['module', 'main'],
  outExtension: { '.js': '.mjs' },
  banner: { js: 'import{createRequire as __ffcr}from"node:module";const require=__ffcr(import.meta.url);' },
  legalComments: 'none',
  logLevel: 'error',
});
const otelBundle = path.join(otelBundleDir, 'otel-init.mjs');
rmSync(path.join(cache, 'otel-layer/otel-layer.zip'), { force: true });
zip(path.join(cache, 'otel-layer/otel-layer.zip'), path.join(cache, 'otel-layer'), ['nodejs']);
const otelZip = statSync(path.join(cache, 'otel-layer/otel-layer.zip')).size;
const otelInstalled = installedClosure([
  '@opentelemetry/instrumentation-aws-lambda',
  '@opentelemetry/exporter-trace-otlp-proto',
  '@opentelemetry/instrumentation',
  '@opentelemetry/sdk-trace-node',
  '@opentelemetry/resources',
  '@opentelemetry/core',
  '@opentelemetry/api',
]);

await build({
  absWorkingDir: root,
  entryPoints: ['test-support/lambda.ts'],
  outfile: path.join(root, 'test-support/.bench.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  packages: 'external',
  logLevel: 'error',
});
const { LambdaEnvironment } = await import('../test-support/.bench.mjs');

// The OTLP endpoint runs in its own process, as a collector would.
const receiver = spawn(process.execPath, [path.join(root, 'bench/receiver.mjs')], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const [portLine] = await once(receiver.stdout, 'data');
const endpoint = `http://127.0.0.1:${String(portLine).trim()}`;
const counts = async () => (await fetch(`${endpoint}/counts`)).json();

const variants = {
  bare: {},
  'firefly sync': { NODE_OPTIONS: `--import ${ourLoader}` },
  'firefly async': { NODE_OPTIONS: `--import ${ourLoader}`, FIREFLY_FLUSH_MODE: 'async' },
  'otel (node_modules)': { NODE_OPTIONS: `--import ${path.join(root, 'bench/otel-init.mjs')}` },
  'otel (bundled)': { NODE_OPTIONS: `--import ${otelBundle}` },
};

// --- (a) cold start -------------------------------------------------------------------------------

const cold = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
for (let run = 0; run < COLD_RUNS; run++) {
  for (const [name, env] of Object.entries(variants)) {
    const lambda = await LambdaEnvironment.start({
      handler: 'index.handler',
      taskRoot,
      via: 'wrap',
      env: { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
      freeze: false,
    });
    await lambda.runtime.whenFrozen();
    cold[name].push(lambda.timeline.find('frozen').at - lambda.spawnedAt);
    await lambda.stop();
  }
}
const coldMedian = Object.fromEntries(
  Object.entries(cold).map(([name, runs]) => [name, percentile(runs, 0.5)]),
);
const coldCost = (name) => coldMedian[name] - coldMedian.bare;

console.log(`\n(a) cold start: spawn → Init done, median of ${COLD_RUNS} fresh processes each`);
console.log(`    bare node + runtime client: ${coldMedian.bare.toFixed(1)} ms (baseline)`);
for (const name of Object.keys(variants).filter((n) => n !== 'bare')) {
  const ratio = name.startsWith('firefly')
    ? `  ${(coldCost(name) / coldCost('otel (node_modules)')).toFixed(2)}× otel (node_modules), ${(coldCost(name) / coldCost('otel (bundled)')).toFixed(2)}× otel (bundled)`
    : '';
  console.log(`    ${name.padEnd(22)} +${coldCost(name).toFixed(1).padStart(6)} ms${ratio}`);
}

// --- (b) latency ----------------------------------------------------------------------------------

// Like for like with the OpenTelemetry setup, which exports spans only: ours without its metrics.
variants['firefly sync, spans only'] = { ...variants['firefly sync'], OTEL_METRICS_EXPORTER: 'none' };
const latency = {};
for (const name of [
  'bare',
  'otel (node_modules)',
  'firefly sync',
  'firefly sync, spans only',
  'firefly async',
]) {
  const lambda = await LambdaEnvironment.start({
    handler: 'index.handler',
    taskRoot,
    via: 'wrap',
    env: { ...variants[name], RUNTIME_CLIENT_TIMING: '1', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
    freeze: false,
  });
  const before = await counts();
  const endToEnd = [];
  const handler = [];
  for (let i = 0; i < WARMUP + INVOCATIONS; i++) {
    const result = await lambda.invoke(event);
    if (result.kind !== 'response') throw new Error(`${name}: ${JSON.stringify(result)}\n${lambda.logs}`);
    if (i >= WARMUP) {
      endToEnd.push(result.latencyMs * 1000);
      handler.push(result.handlerMicroseconds);
    }
  }
  const expected = name === 'bare' ? 0 : WARMUP + INVOCATIONS;
  let spans = 0;
  for (let waited = 0; waited < 30_000 && spans < expected; waited += 100) {
    spans = (await counts()).spans - before.spans;
    if (spans < expected) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  latency[name] = {
    p50: percentile(endToEnd, 0.5),
    p99: percentile(endToEnd, 0.99),
    handlerP50: percentile(handler, 0.5),
    handlerP99: percentile(handler, 0.99),
    spans,
    expected,
  };
  await lambda.stop();
}

console.log(`\n(b) latency the caller sees, ${INVOCATIONS} invocations after ${WARMUP} warm-up, in µs`);
console.log(
  '    variant                    Runtime API p50   p99 | handler call p50   p99 | overhead p50 | spans at endpoint',
);
for (const [name, l] of Object.entries(latency)) {
  const overhead =
    name === 'bare'
      ? ''
      : `+${(l.p50 - latency.bare.p50).toFixed(0)} / +${(l.handlerP50 - latency.bare.handlerP50).toFixed(0)}`;
  console.log(
    `    ${name.padEnd(25)} ${l.p50.toFixed(0).padStart(10)} ${l.p99.toFixed(0).padStart(7)} | ${l.handlerP50.toFixed(0).padStart(10)} ${l.handlerP99.toFixed(0).padStart(7)} | ${overhead.padStart(12)} | ${name === 'bare' ? '-' : `${l.spans}/${l.expected}`}`,
  );
}
const added = (name) => latency[name].p50 - latency.bare.p50;
console.log(
  `    added p50 at the Runtime API: firefly sync ${(added('firefly sync') / added('otel (node_modules)')).toFixed(2)}× otel's, spans only ${(added('firefly sync, spans only') / added('otel (node_modules)')).toFixed(2)}×`,
);
console.log(
  `    firefly async added p50 = ${added('firefly async').toFixed(0)} µs at the Runtime API, ${(latency['firefly async'].handlerP50 - latency.bare.handlerP50).toFixed(0)} µs in the handler call`,
);

// --- (c) size -------------------------------------------------------------------------------------

console.log('\n(c) layer size');
console.log(`    firefly layer zip:                     ${kib(ourZip)}`);
console.log(
  `    otel setup bundled by esbuild, zipped: ${kib(otelZip)}  (firefly = ${(ourZip / otelZip).toFixed(2)}×)`,
);
console.log(
  `    otel packages as installed:            ${kib(otelInstalled.bytes)} in ${otelInstalled.packages} packages (firefly zip = ${(ourZip / otelInstalled.bytes).toFixed(3)}×)`,
);

receiver.kill();
writeFileSync(
  path.join(cache, 'last-run.json'),
  JSON.stringify({ cold: coldMedian, latency, ourZip, otelZip, otelInstalled }, null, 2),
);

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))];
}

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Bytes of the installed packages reachable from `names` through their dependencies. */
function installedClosure(names) {
  const seen = new Map();
  const visit = (name, from) => {
    let manifest;
    try {
      manifest = createRequire(from).resolve(`${name}/package.json`);
    } catch {
      return;
    }
    const dir = path.dirname(manifest);
    if (seen.has(dir)) return;
    seen.set(dir, folderBytes(dir));
    const { dependencies = {} } = JSON.parse(readFileSync(manifest, 'utf8'));
    for (const dependency of Object.keys(dependencies)) visit(dependency, manifest);
  };
  for (const name of names) visit(name, path.join(root, 'package.json'));
  return { bytes: [...seen.values()].reduce((a, b) => a + b, 0), packages: seen.size };
}

function folderBytes(dir) {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    if (entry.name === 'node_modules') return sum;
    const full = path.join(dir, entry.name);
    return sum + (entry.isDirectory() ? folderBytes(full) : statSync(full).size);
  }, 0);
}
