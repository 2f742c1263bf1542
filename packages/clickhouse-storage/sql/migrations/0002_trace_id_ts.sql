-- Trace id → time range, so "trace by id" reads one small, id-sorted table first and then only
-- the day partitions and time range of otel_traces that hold the trace, instead of every partition.
-- Each insert block adds a row per trace (min/max of that block); readers take min(Start),
-- max(End). A retried block that slips through adds the same range again, which is harmless.
CREATE TABLE IF NOT EXISTS {{database}}.otel_traces_trace_id_ts
(
    TraceId String CODEC(ZSTD(1)),
    Start DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    End DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = MergeTree
PARTITION BY toDate(Start)
ORDER BY (TraceId, Start)
{{ttl Start}}
SETTINGS index_granularity = 8192, ttl_only_drop_parts = 1;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.otel_traces_trace_id_ts_mv
TO {{database}}.otel_traces_trace_id_ts
AS SELECT
    TraceId,
    min(Timestamp) AS Start,
    max(Timestamp + toIntervalNanosecond(Duration)) AS End
FROM {{database}}.otel_traces
WHERE TraceId != ''
GROUP BY TraceId;
