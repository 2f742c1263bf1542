-- Indexes every span of otel_traces by trace id, for spans that reached the table while no view
-- did: a write retried while a new database is migrated can land after 0001 created otel_traces
-- and before 0002 created the view. migrate() runs it after the migrations when it created the
-- span table itself, so the table holds only such writes and is small. Safe to repeat: readers take
-- min(Start), max(End). Without a partition limit: those spans may fall on any number of days.
INSERT INTO {{database}}.otel_traces_trace_id_ts
SELECT TraceId, min(Timestamp) AS Start, max(Timestamp) AS End
FROM {{database}}.otel_traces
WHERE TraceId != ''
GROUP BY TraceId
SETTINGS max_partitions_per_insert_block = 0;
