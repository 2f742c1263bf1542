#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { createCollector } from './collector.js';
import { ConfigError, ENV_VARIABLES, loadConfig } from './config/load.js';

const HELP = `Usage: firefly-collector [--config FILE]

Receives OTLP/HTTP (POST /v1/traces, /v1/metrics), Prometheus remote write (POST /api/v1/write) and
Kinesis Firehose deliveries of CloudWatch Metric Streams (POST /firehose); buffers them in Kafka
(when kafka.brokers is set) or an in-memory queue; writes them to ClickHouse.
GET /metrics, /healthz and /readyz describe the collector itself.

Options:
  --config FILE   YAML or JSON configuration (also FIREFLY_CONFIG); see README.md for every field
  -h, --help      show this help

Environment (overrides the file):
${ENV_VARIABLES.map((v) => `  ${v.name.padEnd(32)} ${v.path}`).join('\n')}

Minimal: FIREFLY_CLICKHOUSE_URL=http://127.0.0.1:8123 firefly-collector
`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const collector = createCollector(loadConfig({ file: values.config }));
  const shutdown = (signal: NodeJS.Signals) => {
    collector.logger.info({ signal }, 'shutting down');
    // A second signal while draining means "now": exit without waiting.
    process.once(signal, () => process.exit(1));
    void collector.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        collector.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  const url = await collector.start();
  collector.logger.info({ url, mode: collector.pipeline.mode }, 'collector listening');
  return -1;
}

main().then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    const known =
      error instanceof ConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`firefly-collector: ${known ? (error as Error).message : (error as Error).stack}\n`);
    // A failed start has stopped what it started (within shutdownTimeoutMs); whatever a client
    // library may still hold open must not keep a collector that cannot serve alive.
    process.exit(known ? 2 : 1);
  },
);
