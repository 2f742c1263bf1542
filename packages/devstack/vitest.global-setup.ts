import { stackGlobalSetup } from './src/vitest/global-setup.js';

// The suite dogfoods its own helper: one ClickHouse and one Kafka for every test file.
export default stackGlobalSetup({ services: ['clickhouse', 'kafka'] });
