import type { MetricPoint, Span as ModelSpan } from '@firefly/model';
import { encodeMetricsProtobuf, encodeTracesProtobuf } from '@firefly/otlp-codec';
import type { ExportTarget } from '../config/config.js';

/** Items to the request body: OTLP protobuf or JSON, gzipped if the target says so. */
export type Encoder<T> = (items: T[]) => Uint8Array;

/**
 * The encoder of a target, loaded once when the instrumentation is set up: OTLP/JSON and gzip are
 * chunks of the layer that only the functions configured for them load, and an import per flush
 * would cost every invocation.
 */
export async function spanEncoder(target: ExportTarget): Promise<Encoder<ModelSpan>> {
  const serialize = target.protocol === 'http/json' ? await jsonSerializer('traces') : encodeTracesProtobuf;
  return compressed(target, serialize as (items: ModelSpan[]) => Uint8Array);
}

export async function pointEncoder(target: ExportTarget): Promise<Encoder<MetricPoint>> {
  const serialize = target.protocol === 'http/json' ? await jsonSerializer('metrics') : encodeMetricsProtobuf;
  return compressed(target, serialize as (items: MetricPoint[]) => Uint8Array);
}

async function jsonSerializer(signal: 'traces' | 'metrics') {
  const json = await import('./json-encoding.js');
  return signal === 'traces'
    ? (items: ModelSpan[]) => Buffer.from(json.encodeTracesJson(items))
    : (items: MetricPoint[]) => Buffer.from(json.encodeMetricsJson(items));
}

async function compressed<T>(target: ExportTarget, serialize: Encoder<T>): Promise<Encoder<T>> {
  if (target.compression !== 'gzip') return serialize;
  const { gzipSync } = await import('node:zlib');
  return (items) => gzipSync(serialize(items));
}
