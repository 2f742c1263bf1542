import { stackGlobalSetup } from '@firefly/devstack/vitest';

// One real ClickHouse (libchdb, started by @firefly/devstack) for every test file.
export default stackGlobalSetup({ services: ['clickhouse'] });
