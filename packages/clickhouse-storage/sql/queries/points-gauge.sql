-- Every gauge point of some metrics.
SELECT
{{include select-metric-columns}}
    Value, IntValue,
{{include select-exemplar-columns}}
FROM {{database}}.otel_metrics_gauge
WHERE MetricName IN {metricNames:Array(String)}
