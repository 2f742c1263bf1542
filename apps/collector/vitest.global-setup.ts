import { stackGlobalSetup } from '@firefly/devstack/vitest';

// One real ClickHouse and one real Kafka (started by @firefly/devstack) for every test file.
export default stackGlobalSetup({ services: ['clickhouse', 'kafka'] });
