import { describe, expect, it } from 'vitest';
import { formatRow, main } from './cli.js';
import { envInteger } from './env.js';
import { newClusterId, serverProperties } from './kafka/config.js';

describe('firefly-stack argument handling', () => {
  it('prints usage: exit 0 for --help, 2 without a command', async () => {
    const lines: string[] = [];
    expect(await main(['--help'], (l) => lines.push(l))).toBe(0);
    expect(await main([], (l) => lines.push(l))).toBe(2);
    expect(lines[0]).toMatch(/^Usage: firefly-stack <command>/);
  });

  it.each([
    [['launch'], 'unknown command "launch"'],
    [['up', 'redis'], 'unknown service "redis"; expected clickhouse, kafka or all'],
    [['up', 'kafka', 'extra'], 'unexpected argument "extra"'],
    [['status', 'kafka'], 'status takes no service, got "kafka"'],
    [
      ['up', '--clickhouse-port', 'http'],
      '--clickhouse-port must be a whole number from 1 to 65535, got "http"',
    ],
    [['up', '--timeout', '0'], '--timeout must be a whole number from 1 to 3600000, got "0"'],
  ])('rejects %j', async (argv, message) => {
    await expect(main(argv, () => undefined)).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: expect.stringContaining(message),
    });
  });

  it('rejects unknown flags', async () => {
    await expect(main(['up', '--detach'], () => undefined)).rejects.toMatchObject({
      code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION',
    });
  });

  it('formats a status row with the log path of a server that is not healthy', () => {
    expect(formatRow({ service: 'kafka', state: 'stopped', dataDir: '/d', logFile: '/d/server.log' })).toBe(
      'kafka       stopped    -                           log /d/server.log',
    );
  });
});

describe('environment variables', () => {
  it('treat blank as unset and name the variable when a value is unusable', () => {
    expect(envInteger('X_PORT', { min: 1, max: 9 }, { X_PORT: '  ' })).toBeUndefined();
    expect(envInteger('X_PORT', { min: 1, max: 9 }, { X_PORT: '7' })).toBe(7);
    expect(() => envInteger('X_PORT', { min: 1, max: 9 }, { X_PORT: '7.5' })).toThrow(
      'X_PORT must be a whole number from 1 to 9, got "7.5"',
    );
  });
});

describe('Kafka configuration', () => {
  it('describes one broker+controller node on loopback', () => {
    const text = serverProperties({ host: '127.0.0.1', port: 9092, controllerPort: 9093, logDir: '/data' });
    expect(text).toContain('process.roles=broker,controller\n');
    expect(text).toContain('listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093\n');
    expect(text).toContain('controller.quorum.bootstrap.servers=127.0.0.1:9093\n');
    expect(text).toContain('log.dirs=/data\n');
  });

  it('makes cluster ids Kafka accepts: 22 URL-safe base64 characters, never a leading dash', () => {
    for (let i = 0; i < 2_000; i++) expect(newClusterId()).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});
