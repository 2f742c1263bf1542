-- Every summary point of some metrics.
SELECT
{{include select-metric-columns}}
    Count, Sum, ValueAtQuantiles.Quantile, ValueAtQuantiles.Value, Statistics
FROM {{database}}.otel_metrics_summary
WHERE MetricName IN {metricNames:Array(String)}
