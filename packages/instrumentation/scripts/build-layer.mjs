// Builds the Lambda layer:   pnpm --filter @firefly/instrumentation build:layer [-- --out <dir>] [--no-minify]
//
//   <out>/firefly-wrapper                                   AWS_LAMBDA_EXEC_WRAPPER=/opt/firefly-wrapper
//   <out>/nodejs/node_modules/@firefly/instrumentation/     loader.mjs, handler.mjs, chunks/
//   <out>/firefly-instrumentation-layer.zip                 the two above, ready to publish
//
// esbuild bundles src/layer/{loader,handler}.ts with every dependency (tree-shaken, minified,
// Node 20), split so that what only some functions use — the internal extension (async mode),
// HTTPS, gzip, the OTLP/JSON encoder — is a chunk loaded on first use.
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { listFiles, zip } from './zip.mjs';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const { version } = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8'));
const outFlag = process.argv.indexOf('--out');
const out = path.resolve(outFlag === -1 ? path.join(packageRoot, 'layer') : process.argv[outFlag + 1]);
const packageDir = path.join(out, 'nodejs/node_modules/@firefly/instrumentation');
const ZIP_NAME = 'firefly-instrumentation-layer.zip';

rmSync(out, { recursive: true, force: true });
mkdirSync(packageDir, { recursive: true });

const result = await build({
  absWorkingDir: packageRoot,
  entryPoints: { loader: 'src/layer/loader.ts', handler: 'src/layer/handler.ts' },
  outdir: packageDir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // --no-minify keeps names readable, for profiles.
  minify: !process.argv.includes('--no-minify'),
  treeShaking: true,
  // ES module builds of the OpenTelemetry packages tree-shake far better than their CommonJS ones.
  mainFields: ['module', 'main'],
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  define: { __FIREFLY_VERSION__: JSON.stringify(version) },
  // Bundled CommonJS code may still call require() for Node built-ins.
  banner: { js: 'import{createRequire as __ffcr}from"node:module";const require=__ffcr(import.meta.url);' },
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});

writeFileSync(
  path.join(packageDir, 'package.json'),
  `${JSON.stringify({ name: '@firefly/instrumentation', version, type: 'module', private: true }, null, 2)}\n`,
);
copyFileSync(path.join(packageRoot, 'scripts/firefly-wrapper'), path.join(out, 'firefly-wrapper'));
chmodSync(path.join(out, 'firefly-wrapper'), 0o755);

const zipPath = path.join(out, ZIP_NAME);
zip(zipPath, out, ['firefly-wrapper', 'nodejs']);

report(result.metafile);

function report(metafile) {
  const files = listFiles(out).filter((file) => !file.endsWith(ZIP_NAME));
  const unzipped = files.reduce((sum, file) => sum + statSync(path.join(out, file)).size, 0);
  console.log(`layer ${out}`);
  for (const file of files)
    console.log(`  ${kib(statSync(path.join(out, file)).size).padStart(10)}  ${file}`);
  console.log(`  ${kib(unzipped).padStart(10)}  unzipped`);
  console.log(`  ${kib(statSync(zipPath).size).padStart(10)}  ${ZIP_NAME}`);
  const startup = Object.entries(metafile.outputs).find(([file]) => file.endsWith('handler.mjs'));
  const inputs = Object.entries(startup?.[1].inputs ?? {})
    .sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)
    .slice(0, 8);
  console.log('largest inputs of handler.mjs:');
  for (const [input, { bytesInOutput }] of inputs)
    console.log(`  ${kib(bytesInOutput).padStart(10)}  ${input}`);
}

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
