-- Metric points, one table per OTLP point type, named and laid out like the OpenTelemetry
-- Collector's clickhouseexporter (otel_metrics_*). Firefly adds the *Types and Dropped* columns,
-- IntValue for points sent as int64 (Value keeps the Float64 for queries), Nullable Sum/Min/Max
-- (absent is not 0), and Statistics for CloudWatch's non-quantile statistics.
CREATE TABLE IF NOT EXISTS {{database}}.otel_metrics_gauge
(
{{include metric-columns}}
    Value Float64 CODEC(ZSTD(1)),
    IntValue Nullable(Int64) CODEC(ZSTD(1)),
{{include exemplar-columns}}
{{include metric-table-end}}

CREATE TABLE IF NOT EXISTS {{database}}.otel_metrics_sum
(
{{include metric-columns}}
    Value Float64 CODEC(ZSTD(1)),
    IntValue Nullable(Int64) CODEC(ZSTD(1)),
    AggregationTemporality Int32 CODEC(ZSTD(1)),
    IsMonotonic Bool CODEC(Delta(1), ZSTD(1)),
{{include exemplar-columns}}
{{include metric-table-end}}

CREATE TABLE IF NOT EXISTS {{database}}.otel_metrics_histogram
(
{{include metric-columns}}
    Count UInt64 CODEC(Delta(8), ZSTD(1)),
    Sum Nullable(Float64) CODEC(ZSTD(1)),
    BucketCounts Array(UInt64) CODEC(ZSTD(1)),
    ExplicitBounds Array(Float64) CODEC(ZSTD(1)),
    Min Nullable(Float64) CODEC(ZSTD(1)),
    Max Nullable(Float64) CODEC(ZSTD(1)),
    AggregationTemporality Int32 CODEC(ZSTD(1)),
{{include exemplar-columns}}
{{include metric-table-end}}

CREATE TABLE IF NOT EXISTS {{database}}.otel_metrics_exponential_histogram
(
{{include metric-columns}}
    Count UInt64 CODEC(Delta(8), ZSTD(1)),
    Sum Nullable(Float64) CODEC(ZSTD(1)),
    Scale Int32 CODEC(ZSTD(1)),
    ZeroCount UInt64 CODEC(ZSTD(1)),
    ZeroThreshold Float64 CODEC(ZSTD(1)),
    PositiveOffset Int32 CODEC(ZSTD(1)),
    PositiveBucketCounts Array(UInt64) CODEC(ZSTD(1)),
    NegativeOffset Int32 CODEC(ZSTD(1)),
    NegativeBucketCounts Array(UInt64) CODEC(ZSTD(1)),
    Min Nullable(Float64) CODEC(ZSTD(1)),
    Max Nullable(Float64) CODEC(ZSTD(1)),
    AggregationTemporality Int32 CODEC(ZSTD(1)),
{{include exemplar-columns}}
{{include metric-table-end}}

CREATE TABLE IF NOT EXISTS {{database}}.otel_metrics_summary
(
{{include metric-columns}}
    Count UInt64 CODEC(Delta(8), ZSTD(1)),
    Sum Float64 CODEC(ZSTD(1)),
    ValueAtQuantiles Nested
    (
        Quantile Float64,
        Value Float64
    ) CODEC(ZSTD(1)),
    Statistics Map(LowCardinality(String), Float64) CODEC(ZSTD(1)),
{{include metric-table-end}}
