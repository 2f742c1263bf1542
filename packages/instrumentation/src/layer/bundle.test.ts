import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, LambdaEnvironment, responseJson } from '../../test-support/lambda.js';
import { readZip } from '../../test-support/zip-reader.js';

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
let layer: string;
let lambda: LambdaEnvironment | undefined;

beforeAll(() => {
  layer = mkdtempSync(path.join(tmpdir(), 'firefly-layer-'));
  execFileSync(process.execPath, ['scripts/build-layer.mjs', '--out', layer], {
    cwd: packageRoot,
    stdio: 'pipe',
  });
});
afterAll(() => rmSync(layer, { recursive: true, force: true }));
afterEach(async () => {
  await lambda?.stop();
  lambda = undefined;
});

async function start(handler: string, folder: string, env: Record<string, string> = {}) {
  lambda = await LambdaEnvironment.start({
    handler,
    taskRoot: `${FUNCTIONS}${folder}`,
    via: { execWrapper: path.join(layer, 'firefly-wrapper') },
    env,
  });
  return lambda;
}

describe('the built layer, through AWS_LAMBDA_EXEC_WRAPPER', () => {
  it('zips the wrapper script (executable) and the bundled package', () => {
    const entries = readZip(path.join(layer, 'firefly-instrumentation-layer.zip'));
    const files = entries.filter((entry) => !entry.name.endsWith('/'));
    expect(files.map((entry) => entry.name)).toEqual(
      expect.arrayContaining([
        'firefly-wrapper',
        'nodejs/node_modules/@firefly/instrumentation/loader.mjs',
        'nodejs/node_modules/@firefly/instrumentation/handler.mjs',
        'nodejs/node_modules/@firefly/instrumentation/package.json',
      ]),
    );
    const wrapper = files.find((entry) => entry.name === 'firefly-wrapper');
    expect(wrapper?.mode).toBe(0o755);
    expect(wrapper?.data.toString()).toBe(
      readFileSync(path.join(packageRoot, 'scripts/firefly-wrapper'), 'utf8'),
    );
    expect(statSync(path.join(layer, 'firefly-wrapper')).mode & 0o111).not.toBe(0);
  });

  it('traces a CommonJS function, the API of its own node_modules seeing the bundled SDK', async () => {
    const env = await start('index.handler', 'layer-cjs');
    const first = await env.invoke({ test: { action: 'child-span' } });
    const second = await env.invoke({});
    await env.runtime.whenFrozen();
    const invocation = env.otlp.spansOf(first.requestId)[0];
    expect(invocation?.attributes['faas.coldstart']).toBe(true);
    expect(env.otlp.spans.find((span) => span.name === 'child work')?.parentSpanId).toBe(invocation?.spanId);
    expect(responseJson(second)).toMatchObject({ module: 'cjs' });
    expect(env.otlp.spansOf(second.requestId)[0]?.attributes['faas.coldstart']).toBe(false);
    expect(invocation?.scope.name).toBe('@firefly/instrumentation');
  });

  it('traces an ES module function in async mode, loading the extension chunk', async () => {
    const env = await start('index.handler', 'layer-esm', { FIREFLY_FLUSH_MODE: 'async' });
    const result = await env.invoke({});
    await env.runtime.whenFrozen();
    expect(responseJson(result)).toMatchObject({ module: 'esm' });
    expect(env.runtime.registeredExtensions).toEqual(['firefly-instrumentation']);
    const answer = env.timeline.find('response');
    expect(env.timeline.find('traces', answer?.seq)).toBeDefined();
  });

  it('loads the OTLP/JSON encoder and gzip when configured', async () => {
    const env = await start('index.handler', 'layer-cjs', {
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
    });
    const result = await env.invoke({});
    await env.runtime.whenFrozen();
    expect(env.otlp.spansOf(result.requestId)).toHaveLength(1);
    expect(env.otlp.requests.every((request) => request.encoding === 'json' && request.gzip)).toBe(true);
  });

  it('keeps NODE_OPTIONS the function sets', async () => {
    const env = await start('index.handler', 'layer-cjs', { NODE_OPTIONS: '--max-old-space-size=300' });
    const result = await env.invoke({ test: { action: 'node-options' } });
    await env.runtime.whenFrozen();
    const { nodeOptions } = responseJson(result) as { nodeOptions: string };
    expect(nodeOptions).toMatch(/^--import ".+\/loader\.mjs" --max-old-space-size=300$/);
    expect(env.otlp.spansOf(result.requestId)).toHaveLength(1);
  });

  it('writes a valid zip without the zip command', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'firefly-layer-nozip-'));
    try {
      execFileSync(process.execPath, ['scripts/build-layer.mjs', '--out', out], {
        cwd: packageRoot,
        stdio: 'pipe',
        env: { PATH: '/nonexistent' },
      });
      // readZip checks every entry's CRC.
      const entries = readZip(path.join(out, 'firefly-instrumentation-layer.zip'));
      const handler = entries.find(
        (entry) => entry.name === 'nodejs/node_modules/@firefly/instrumentation/handler.mjs',
      );
      expect(handler?.data.length).toBe(statSync(path.join(out, handler?.name ?? '')).size);
      expect(entries.find((entry) => entry.name === 'firefly-wrapper')?.mode).toBe(0o755);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
