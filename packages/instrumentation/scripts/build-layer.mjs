// Builds the Lambda layer:   pnpm --filter @firefly/instrumentation build:layer [-- --out <dir>] [--no-minify]
//
//   <out>/firefly-wrapper                                   AWS_LAMBDA_EXEC_WRAPPER=/opt/firefly-wrapper
//   <out>/nodejs/node_modules/@firefly/instrumentation/     loader.mjs, handler.mjs, chunks/
//   <out>/firefly-instrumentation-layer.zip                 the two above, ready to publish
//
// esbuild bundles src/layer/{loader,handler}.ts with every dependency (tree-shaken, minified,
// Node 20), split so that what only some functions use — the internal extension (async mode),
// HTTPS, gzip, the OTLP/JSON encoder — is a chunk loaded on first use.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';
import { build } from 'esbuild';

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
const entries = ['firefly-wrapper', 'nodejs'];
if (spawnSync('zip', ['-v'], { stdio: 'ignore' }).status === 0) {
  execFileSync('zip', ['-q', '-r', '-X', '-9', ZIP_NAME, ...entries], { cwd: out });
} else {
  writeZip(zipPath, out, entries);
}

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

function listFiles(root, dir = '') {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(root, relative) : [relative];
  });
}

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** A deflate zip of `entries` under `root`, for machines without the zip command. */
function writeZip(file, root, entriesToZip) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  const names = entriesToZip.flatMap((entry) =>
    statSync(path.join(root, entry)).isDirectory() ? listFiles(root, entry) : [entry],
  );
  for (const name of names) {
    const full = path.join(root, name);
    const data = readFileSync(full);
    const deflated = deflateRawSync(data, { level: 9 });
    const mode = statSync(full).mode & 0o777;
    const nameBytes = Buffer.from(name);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0, 6);
    header.writeUInt16LE(8, 8);
    header.writeUInt32LE(0x00210000, 10); // 1980-01-01 00:00, for reproducible archives
    header.writeUInt32LE(crc32(data), 14);
    header.writeUInt32LE(deflated.length, 18);
    header.writeUInt32LE(data.length, 22);
    header.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x0314, 4); // made by Unix, so the file mode below is honoured
    header.copy(central, 6, 4, 30);
    central.writeUInt32LE(((0o100000 | mode) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(header, nameBytes, deflated);
    centrals.push(central, nameBytes);
    offset += header.length + nameBytes.length + deflated.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(names.length, 8);
  end.writeUInt16LE(names.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  writeFileSync(file, Buffer.concat([...locals, directory, end]));
}
