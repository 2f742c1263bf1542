import type { ClickHouseClient } from '@clickhouse/client';
import type { MetricPoint, MetricPointType, Span } from '@firefly/model';
import { classify } from '../errors.js';
import { loadSql, render } from '../migrations/sql-files.js';
import { METRIC_TABLES } from '../rows/metric-layout.js';
import type { PointRow, SpanRow } from './rows.js';
import { ModelBuilder } from './to-model.js';

// Exact JSON: 64-bit integers as strings (JSON numbers lose digits past 2^53) and NaN/inf quoted.
const EXACT_JSON = {
  output_format_json_quote_64bit_integers: 1,
  output_format_json_quote_denormals: 1,
} as const;

const POINT_TYPES = Object.keys(METRIC_TABLES) as MetricPointType[];

/** Reads what the adapter stored back as Firefly model objects: trace by id, points by metric. */
export class ClickHouseReader {
  private readonly spansQuery: string;
  private readonly pointQueries: ReadonlyMap<MetricPointType, string>;

  constructor(
    private readonly client: ClickHouseClient,
    database: string,
  ) {
    const context = { database, ttlDays: 0, dedupWindow: 0 };
    this.spansQuery = render(loadSql('queries/spans-of-traces.sql'), context);
    this.pointQueries = new Map(
      POINT_TYPES.map((type) => [
        type,
        render(loadSql(`queries/points-${type.replace('_', '-')}.sql`), context),
      ]),
    );
  }

  /** Every span of one trace, in no particular order; [] if the trace is unknown. */
  traceById(traceId: string): Promise<Span[]> {
    return this.spansOfTraces([traceId]);
  }

  /** Every span of these traces (32 lowercase hex digits each), in no particular order. */
  async spansOfTraces(traceIds: readonly string[]): Promise<Span[]> {
    const builder = new ModelBuilder();
    const rows = await this.rows<SpanRow>(this.spansQuery, { traceIds }, 'reading spans');
    return rows.map((row) => builder.span(row));
  }

  /** Every point of these metric names, of every type, in no particular order. */
  async metricPoints(metricNames: readonly string[]): Promise<MetricPoint[]> {
    const builder = new ModelBuilder();
    const points: MetricPoint[] = [];
    for (const [type, query] of this.pointQueries) {
      const rows = await this.rows<PointRow>(query, { metricNames }, `reading ${type} points`);
      for (const row of rows) points.push(builder.point(type, row));
    }
    return points;
  }

  private async rows<T>(query: string, params: Record<string, unknown>, doing: string): Promise<T[]> {
    try {
      const result = await this.client.query({
        query,
        query_params: params,
        format: 'JSONEachRow',
        clickhouse_settings: EXACT_JSON,
      });
      return await result.json<T>();
    } catch (error) {
      throw classify(error, doing);
    }
  }
}
