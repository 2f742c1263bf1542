import { describeStorageConformance } from '@firefly/storage-conformance';
import { clickhouseUrl, uniqueDatabase } from '../test-support/storage.js';
import { ClickHouseStorage } from './clickhouse-storage.js';
import { type ClickHouseStorageOptions, INSERT_FORMATS } from './config.js';

// The whole conformance kit against the real ClickHouse, once per insert format, each in a database
// of its own: each format has an encoder of its own that must keep every value as exactly. The
// kit's fixtures carry fixed 2025 timestamps, so retention is off here: a TTL would drop them on insert.
for (const insertFormat of INSERT_FORMATS) {
  const database = uniqueDatabase(`conformance_${insertFormat.toLowerCase()}`);
  const options: ClickHouseStorageOptions = { url: clickhouseUrl(), database, ttlDays: 0, insertFormat };
  const reader = () => new ClickHouseStorage(options);

  describeStorageConformance({
    name: `clickhouse, ${insertFormat}`,
    createAdapter: async () => reader(),
    readSpans: async (traceIds) => {
      const storage = reader();
      try {
        return await storage.reader.spansOfTraces(traceIds);
      } finally {
        await storage.close();
      }
    },
    readMetricPoints: async (metricNames) => {
      const storage = reader();
      try {
        return await storage.reader.metricPoints(metricNames);
      } finally {
        await storage.close();
      }
    },
  });
}
