// Span kinds and status codes as the OpenTelemetry Collector's ClickHouse exporter spells them
// (what Grafana's trace view expects); values outside the enum are kept as their number.

const KIND_NAMES = ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'];
const STATUS_NAMES = ['Unset', 'Ok', 'Error'];

export function kindName(kind: number): string {
  return KIND_NAMES[kind] ?? String(kind);
}

export function kindOf(name: string): number {
  const index = KIND_NAMES.indexOf(name);
  return index >= 0 ? index : Number(name);
}

export function statusName(code: number): string {
  return STATUS_NAMES[code] ?? String(code);
}

export function statusOf(name: string): number {
  const index = STATUS_NAMES.indexOf(name);
  return index >= 0 ? index : Number(name);
}
