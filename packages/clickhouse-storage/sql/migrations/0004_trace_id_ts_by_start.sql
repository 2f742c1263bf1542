-- otel_traces_trace_id_ts keeps the range of span STARTS (Timestamp), because that is the column
-- readers bound. 0002 stored max(Timestamp + Duration) as End: a span ending before it starts
-- (clock skew) narrowed the range and lost spans, and an end past what DateTime64(9) holds failed
-- the whole insert with DECIMAL_OVERFLOW. The new view is created before the old one is dropped,
-- so no insert goes unindexed; a block that both views see adds two rows, and readers take
-- min(Start), max(End) anyway. Rows the old view wrote stay, and their End (the last span end) is
-- not always a later bound than the last start: a trace whose latest-starting span has a negative
-- Duration would keep losing that span. Those traces are indexed again from their starts below,
-- before the old view goes (min/max over the extra rows is the right range; safe to repeat).
CREATE MATERIALIZED VIEW IF NOT EXISTS {{database}}.otel_traces_trace_id_ts_by_start_mv
TO {{database}}.otel_traces_trace_id_ts
AS SELECT
    TraceId,
    min(Timestamp) AS Start,
    max(Timestamp) AS End
FROM {{database}}.otel_traces
WHERE TraceId != ''
GROUP BY TraceId;

INSERT INTO {{database}}.otel_traces_trace_id_ts
SELECT TraceId, min(Timestamp) AS Start, max(Timestamp) AS End
FROM {{database}}.otel_traces
WHERE TraceId != '' AND Duration < 0
GROUP BY TraceId
SETTINGS max_partitions_per_insert_block = 0;

DROP VIEW IF EXISTS {{database}}.otel_traces_trace_id_ts_mv;
