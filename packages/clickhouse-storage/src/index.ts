export { ClickHouseStorage } from './clickhouse-storage.js';
export type { ClickHouseStorageOptions, InsertFormat, ResolvedOptions } from './config.js';
export { ClickHouseStorageConfigError, DEFAULTS, INSERT_FORMATS } from './config.js';
export { classify as classifyClickHouseError } from './errors.js';
export { TTL_COLUMNS } from './migrations/migrate.js';
export { ClickHouseReader } from './read/reader.js';
export { METRIC_TABLES } from './rows/metric-layout.js';
