-- Every exponential_histogram point of some metrics.
SELECT
{{include select-metric-columns}}
    Count, Sum, Scale, ZeroCount, ZeroThreshold, PositiveOffset, PositiveBucketCounts,
    NegativeOffset, NegativeBucketCounts, Min, Max, AggregationTemporality,
{{include select-exemplar-columns}}
FROM {{database}}.otel_metrics_exponential_histogram
WHERE MetricName IN {metricNames:Array(String)}
