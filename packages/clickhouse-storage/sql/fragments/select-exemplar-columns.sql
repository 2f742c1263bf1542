    Exemplars.FilteredAttributes, Exemplars.FilteredAttributeTypes,
    arrayMap(t -> toUnixTimestamp64Nano(t), Exemplars.TimeUnix) AS ExemplarNanos,
    Exemplars.Value, Exemplars.IntValue, Exemplars.SpanId, Exemplars.TraceId
