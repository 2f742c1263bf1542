import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load.js';

const dir = mkdtempSync(join(tmpdir(), 'firefly-config-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('needs only the ClickHouse URL; everything else has a default', () => {
    const config = loadConfig({ env: { FIREFLY_CLICKHOUSE_URL: 'http://127.0.0.1:8123' } });
    expect(config.server).toEqual({
      host: '0.0.0.0',
      port: 4318,
      bodyLimitBytes: 20 * 1024 * 1024,
      shutdownTimeoutMs: 30_000,
      requestTimeoutMs: 30_000,
    });
    expect(config.pipeline.mode).toBe('auto');
    expect(config.kafka.brokers).toEqual([]);
    expect(config.receivers.firehose).toEqual({
      enabled: true,
      path: '/firehose',
      accessKeys: [],
      recordFormat: 'json',
    });
  });

  it('reads YAML and JSON files; the environment overrides them', () => {
    const yaml = file(
      'collector.yaml',
      'server:\n  port: 9000\nkafka:\n  brokers: [k1:9092, k2:9092]\nstorage:\n  clickhouse:\n    url: http://ch:8123\n    ttlDays: 7\n',
    );
    const fromFile = loadConfig({ file: yaml, env: {} });
    expect(fromFile.server.port).toBe(9000);
    expect(fromFile.kafka.brokers).toEqual(['k1:9092', 'k2:9092']);
    expect(fromFile.storage.clickhouse).toEqual({ url: 'http://ch:8123', ttlDays: 7 });

    const json = file(
      'collector.json',
      JSON.stringify({ storage: { clickhouse: { url: 'http://ch:8123' } } }),
    );
    const overridden = loadConfig({
      file: json,
      env: {
        FIREFLY_PORT: '4000',
        FIREFLY_KAFKA_BROKERS: 'a:1, b:2',
        FIREFLY_KAFKA_CONSUME: 'false',
        FIREFLY_OTLP_TOKENS: '',
      },
    });
    expect(overridden.server.port).toBe(4000);
    expect(overridden.kafka.brokers).toEqual(['a:1', 'b:2']);
    expect(overridden.kafka.consume).toBe(false);
    // A blank variable is unset, not an empty list.
    expect(overridden.receivers.otlp.auth.tokens).toEqual([]);
  });

  it('FIREFLY_CONFIG names the file when no option does', () => {
    const yaml = file('via-env.yaml', 'storage:\n  clickhouse:\n    url: http://from-file:8123\n');
    expect(loadConfig({ env: { FIREFLY_CONFIG: yaml } }).storage.clickhouse.url).toBe(
      'http://from-file:8123',
    );
  });

  it('names every bad field and where its value came from', () => {
    const yaml = file(
      'bad.yaml',
      'server:\n  port: 70000\n  prot: 1\nkafka:\n  brokers: [nope]\nstorage:\n  clickhouse:\n    url: ftp://x\n',
    );
    expect(
      problems(() =>
        loadConfig({ file: yaml, env: { FIREFLY_BATCH_MAX_ITEMS: 'lots', FIREFLY_PIPELINE_MODE: 'fast' } }),
      ),
    ).toEqual([
      'pipeline.batchMaxItems: FIREFLY_BATCH_MAX_ITEMS="lots" is not a whole number',
      expect.stringMatching(/^server\.port: .*65535.* \(in .*bad\.yaml\)$/),
      expect.stringMatching(/^server: Unrecognized key: "prot" \(in .*bad\.yaml\)$/),
      expect.stringMatching(/^pipeline\.mode: .*"auto".*"direct".*"kafka".* \(FIREFLY_PIPELINE_MODE\)$/),
      expect.stringMatching(/^kafka\.brokers\.0: brokers are host:port \(in .*bad\.yaml\)$/),
      expect.stringMatching(/^storage\.clickhouse\.url: .* \(in .*bad\.yaml\)$/),
    ]);
  });

  it('says what is missing, and rejects files it cannot read or parse', () => {
    expect(problems(() => loadConfig({ env: {} }))).toEqual([
      'storage: Invalid input: expected object, received undefined',
    ]);
    expect(problems(() => loadConfig({ file: join(dir, 'missing.yaml'), env: {} }))[0]).toMatch(
      /^cannot read the configuration file .*missing\.yaml: ENOENT/,
    );
    expect(problems(() => loadConfig({ file: file('broken.json', '{"server": '), env: {} }))[0]).toMatch(
      /broken\.json is not valid JSON: /,
    );
    expect(problems(() => loadConfig({ file: file('list.yaml', '- a\n- b\n'), env: {} }))[0]).toMatch(
      /the top level must be a mapping/,
    );
  });
});
