-- Every histogram point of some metrics.
SELECT
{{include select-metric-columns}}
    Count, Sum, BucketCounts, ExplicitBounds, Min, Max, AggregationTemporality,
{{include select-exemplar-columns}}
FROM {{database}}.otel_metrics_histogram
WHERE MetricName IN {metricNames:Array(String)}
