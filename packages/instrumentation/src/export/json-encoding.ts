// Loaded only when a signal is configured for http/json, so the protobuf path stays lean.
export { encodeMetricsJson, encodeTracesJson } from '@firefly/otlp-codec';
