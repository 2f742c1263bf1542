import { join } from 'node:path';
import { type ClickHouseServer, pingClickHouse, startClickHouse } from './clickhouse/server.js';
import type { ServiceName } from './errors.js';
import { type KafkaServer, probeKafka, startKafka } from './kafka/server.js';
import type { Lifetime } from './process/server-process.js';

export type RunningServer = ClickHouseServer | KafkaServer;

export interface ServiceStartOptions {
  /** Parent folder; each service gets `<root>/<service>`. */
  root: string;
  lifetime: Lifetime;
  cacheDir: string;
  clickhousePort?: number | undefined;
  kafkaPort?: number | undefined;
  startTimeoutMs?: number | undefined;
}

/** What clients connect to: ClickHouse's HTTP base URL, or Kafka's bootstrap `host:port`. */
export function endpointOf(server: RunningServer): string {
  return server.service === 'clickhouse' ? server.url : server.brokers.join(',');
}

export function startService(service: ServiceName, options: ServiceStartOptions): Promise<RunningServer> {
  const dir = join(options.root, service);
  const common = {
    dir,
    lifetime: options.lifetime,
    ...(options.startTimeoutMs === undefined ? {} : { startTimeoutMs: options.startTimeoutMs }),
  };
  if (service === 'clickhouse') {
    return startClickHouse({
      ...common,
      ...(options.clickhousePort === undefined ? {} : { httpPort: options.clickhousePort }),
    });
  }
  return startKafka({
    ...common,
    cacheDir: options.cacheDir,
    ...(options.kafkaPort === undefined ? {} : { port: options.kafkaPort }),
  });
}

/** Health probe by endpoint, for servers this process did not start (status). */
export function probeService(service: ServiceName, endpoint: string): Promise<void> {
  return service === 'clickhouse' ? pingClickHouse(endpoint) : probeKafka(endpoint.split(','));
}
