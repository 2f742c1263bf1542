#!/usr/bin/env node
// The README's main command: the collector in direct mode (no Kafka) on a local ClickHouse that
// @firefly/devstack runs from the project's .firefly/ folder, until Ctrl-C.
import { down, up } from '@firefly/devstack';
import { createCollector } from './collector.js';
import { loadConfig } from './config/load.js';

async function main(): Promise<void> {
  const [clickhouse] = await up({ services: ['clickhouse'], lifetime: 'attached' });
  if (clickhouse?.endpoint === undefined) throw new Error('the local ClickHouse did not start');
  const config = loadConfig({ env: { FIREFLY_CLICKHOUSE_URL: clickhouse.endpoint, ...process.env } });
  const collector = createCollector(config);
  const url = (await collector.start()).replace('0.0.0.0', '127.0.0.1');
  process.stdout.write(banner(url, clickhouse.endpoint, config.storage.clickhouse.database ?? 'firefly'));

  let stopping = false;
  const stop = async () => {
    if (stopping) process.exit(1);
    stopping = true;
    await collector.stop();
    // A ClickHouse that was already running (firefly-stack up) is not ours to stop.
    if (!clickhouse.reused) await down({ services: ['clickhouse'] });
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function banner(url: string, clickhouseUrl: string, database: string): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  const span = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'hello-lambda' } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: '5b8efff798038103d269b633813fc60c',
                spanId: 'eee19b7ec3c1b174',
                name: 'GET /hello',
                kind: 2,
                startTimeUnixNano: String(now - 42_000_000n),
                endTimeUnixNano: String(now),
              },
            ],
          },
        ],
      },
    ],
  };
  const query = encodeURIComponent(
    // Quoted as the adapter quotes it: a plain identifier may still be a keyword, e.g. `table`.
    `SELECT ServiceName, SpanName, Duration FROM \`${database}\`.otel_traces ORDER BY Timestamp DESC LIMIT 5 FORMAT PrettyCompact`,
  );
  return `
Firefly collector (direct mode) on ClickHouse ${clickhouseUrl}

  OTLP/HTTP         ${url}/v1/traces   ${url}/v1/metrics   (protobuf or JSON, gzip ok)
  Remote write      ${url}/api/v1/write
  Firehose          ${url}/firehose
  Self              ${url}/metrics   ${url}/healthz   ${url}/readyz

Send a span:
  curl -sS ${url}/v1/traces -H 'content-type: application/json' -d '${JSON.stringify(span)}'
See it in ClickHouse (after the 1 s batch timeout):
  curl -sS '${clickhouseUrl}/?query=${query}'
Point any OpenTelemetry SDK at it:
  OTEL_EXPORTER_OTLP_ENDPOINT=${url} OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf

Ctrl-C stops the collector (flushing what it holds) and ClickHouse; data stays in .firefly/stack/.
`;
}

main().catch((error: unknown) => {
  process.stderr.write(`firefly-collector (dev): ${(error as Error).message}\n`);
  process.exit(1);
});
