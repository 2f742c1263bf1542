import { describeStorageConformance } from '@firefly/storage-conformance';
import { clickhouseUrl, uniqueDatabase } from '../test-support/storage.js';
import { ClickHouseStorage } from './clickhouse-storage.js';

// The whole conformance kit against the real ClickHouse, in a database of its own. The kit's
// fixtures carry fixed 2025 timestamps, so retention is off here: a TTL would drop them on insert.
const database = uniqueDatabase('conformance');
const reader = () => new ClickHouseStorage({ url: clickhouseUrl(), database, ttlDays: 0 });

describeStorageConformance({
  name: 'clickhouse',
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
