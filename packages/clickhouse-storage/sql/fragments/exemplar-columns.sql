    Exemplars Nested
    (
        FilteredAttributes Map(LowCardinality(String), String),
        FilteredAttributeTypes Map(LowCardinality(String), LowCardinality(String)),
        TimeUnix DateTime64(9),
        Value Float64,
        IntValue Nullable(Int64),
        SpanId String,
        TraceId String
    ) CODEC(ZSTD(1)),
