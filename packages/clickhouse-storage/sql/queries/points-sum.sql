-- Every sum point of some metrics.
SELECT
{{include select-metric-columns}}
    Value, IntValue, AggregationTemporality, IsMonotonic,
{{include select-exemplar-columns}}
FROM {{database}}.otel_metrics_sum
WHERE MetricName IN {metricNames:Array(String)}
