// What every test-support module needs: the dev stack's addresses and unique names.
import { randomBytes } from 'node:crypto';
import { createAttributes, type InstrumentationScope, type Resource } from '@firefly/model';
import { inject } from 'vitest';

/** ClickHouse and Kafka as the global setup started them. */
export function stack(): { clickhouseUrl: string; kafkaBrokers: string[] } {
  const { clickhouseUrl, kafkaBrokers } = inject('fireflyStack');
  if (clickhouseUrl === undefined || kafkaBrokers === undefined) {
    throw new Error('the dev stack (ClickHouse and Kafka) is not running');
  }
  return { clickhouseUrl, kafkaBrokers };
}

/** `prefix_` and 8 random hex digits: a database, topic or group name of one test's own. */
export const unique = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`;

/** `bytes` random bytes as lowercase hex: trace ids (16), span ids (8). */
export const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** The resource and scope of the test fixtures' spans and metrics. */
export const resource: Resource = {
  attributes: { 'service.name': 'orders', 'cloud.region': 'eu-west-1', 'faas.max_memory': 1024n },
  droppedAttributesCount: 0,
  schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
  serviceName: 'orders',
};

export const scope: InstrumentationScope = {
  name: '@firefly/instrumentation',
  version: '0.1.0',
  attributes: createAttributes(),
  droppedAttributesCount: 0,
  schemaUrl: '',
};
