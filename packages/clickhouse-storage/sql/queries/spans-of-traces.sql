-- Every span of some traces. The trace id → time range table narrows otel_traces to the days
-- and times those traces' spans start in, so partitions outside them are never read.
WITH ranges AS (
    SELECT min(Start) AS First, max(End) AS Last
    FROM {{database}}.otel_traces_trace_id_ts
    WHERE TraceId IN {traceIds:Array(String)}
)
SELECT
    toUnixTimestamp64Nano(Timestamp) AS StartNanos,
    TraceId, SpanId, ParentSpanId, TraceState, Flags, SpanName, SpanKind,
    ServiceName, ResourceAttributes, ResourceAttributeTypes, ResourceDroppedAttributesCount, ResourceSchemaUrl,
    ScopeName, ScopeVersion, ScopeAttributes, ScopeAttributeTypes, ScopeDroppedAttributesCount, ScopeSchemaUrl,
    SpanAttributes, SpanAttributeTypes, DroppedAttributesCount, Duration, StatusCode, StatusMessage,
    arrayMap(t -> toUnixTimestamp64Nano(t), Events.Timestamp) AS EventNanos,
    Events.Name, Events.Attributes, Events.AttributeTypes, Events.DroppedAttributesCount, DroppedEventsCount,
    Links.TraceId, Links.SpanId, Links.TraceState, Links.Attributes, Links.AttributeTypes,
    Links.DroppedAttributesCount, Links.Flags, DroppedLinksCount
FROM {{database}}.otel_traces
WHERE TraceId IN {traceIds:Array(String)}
    AND Timestamp >= (SELECT First FROM ranges)
    AND Timestamp <= (SELECT Last FROM ranges)
