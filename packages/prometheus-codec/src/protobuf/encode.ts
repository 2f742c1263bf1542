import protobuf from 'protobufjs/minimal.js';
import type {
  BucketSpan,
  Exemplar,
  Histogram,
  Label,
  MetricMetadata,
  Sample,
  TimeSeries,
  WriteRequest,
} from '../write-request.js';
import { wordsOfDouble } from './double-bits.js';
import {
  BucketSpanField,
  ExemplarField,
  HistogramField as H,
  LabelField,
  MetadataField,
  SampleField,
  TimeSeriesField,
  tagOf,
  WireType,
  WriteRequestField,
} from './fields.js';

type Writer = protobuf.Writer;

const { VARINT, I64, LEN } = WireType;

/** Encodes a `WriteRequest` as protobuf (uncompressed). Zero scalars are omitted, as proto3 does. */
export function encodeWriteRequestProtobuf(request: WriteRequest): Uint8Array {
  const w = protobuf.Writer.create();
  for (const series of request.timeseries) {
    writeMessage(w, WriteRequestField.timeseries, () => writeTimeSeries(w, series));
  }
  for (const metadata of request.metadata) {
    writeMessage(w, WriteRequestField.metadata, () => writeMetadata(w, metadata));
  }
  return w.finish();
}

function writeTimeSeries(w: Writer, series: TimeSeries): void {
  for (const label of series.labels) writeMessage(w, TimeSeriesField.labels, () => writeLabel(w, label));
  for (const sample of series.samples) writeMessage(w, TimeSeriesField.samples, () => writeSample(w, sample));
  for (const exemplar of series.exemplars) {
    writeMessage(w, TimeSeriesField.exemplars, () => writeExemplar(w, exemplar));
  }
  for (const histogram of series.histograms) {
    writeMessage(w, TimeSeriesField.histograms, () => writeHistogram(w, histogram));
  }
}

function writeLabel(w: Writer, label: Label): void {
  writeString(w, LabelField.name, label.name);
  writeString(w, LabelField.value, label.value);
}

function writeSample(w: Writer, sample: Sample): void {
  writeValue(w, SampleField.value, sample.value, sample.stale);
  writeInt64(w, SampleField.timestamp, sample.timestamp);
}

function writeExemplar(w: Writer, exemplar: Exemplar): void {
  for (const label of exemplar.labels) writeMessage(w, ExemplarField.labels, () => writeLabel(w, label));
  writeDouble(w, ExemplarField.value, exemplar.value);
  writeInt64(w, ExemplarField.timestamp, exemplar.timestamp);
}

function writeHistogram(w: Writer, h: Histogram): void {
  // count and zero_count are oneofs: written even when zero, so the reader learns int vs float.
  if (h.kind === 'int') {
    w.uint32(tagOf(H.countInt, VARINT)).uint64(h.count);
  } else {
    w.uint32(tagOf(H.countFloat, I64)).double(h.count);
  }
  writeValue(w, H.sum, h.sum, h.stale);
  if (h.schema !== 0) w.uint32(tagOf(H.schema, VARINT)).sint32(h.schema);
  writeDouble(w, H.zeroThreshold, h.zeroThreshold);
  if (h.kind === 'int') {
    w.uint32(tagOf(H.zeroCountInt, VARINT)).uint64(h.zeroCount);
  } else {
    w.uint32(tagOf(H.zeroCountFloat, I64)).double(h.zeroCount);
  }
  writeBuckets(
    w,
    H.negativeSpans,
    h.negativeSpans,
    H.negativeDeltas,
    h.negativeDeltas,
    H.negativeCounts,
    h.negativeCounts,
  );
  writeBuckets(
    w,
    H.positiveSpans,
    h.positiveSpans,
    H.positiveDeltas,
    h.positiveDeltas,
    H.positiveCounts,
    h.positiveCounts,
  );
  if (h.resetHint !== 0) w.uint32(tagOf(H.resetHint, VARINT)).int32(h.resetHint);
  writeInt64(w, H.timestamp, h.timestamp);
}

function writeBuckets(
  w: Writer,
  spansField: number,
  spans: readonly BucketSpan[],
  deltasField: number,
  deltas: readonly number[],
  countsField: number,
  counts: readonly number[],
): void {
  for (const span of spans) writeMessage(w, spansField, () => writeBucketSpan(w, span));
  if (deltas.length > 0) {
    writeMessage(w, deltasField, () => {
      for (const delta of deltas) w.sint64(delta);
    });
  }
  if (counts.length > 0) {
    writeMessage(w, countsField, () => {
      for (const count of counts) w.double(count);
    });
  }
}

function writeBucketSpan(w: Writer, span: BucketSpan): void {
  if (span.offset !== 0) w.uint32(tagOf(BucketSpanField.offset, VARINT)).sint32(span.offset);
  if (span.length !== 0) w.uint32(tagOf(BucketSpanField.length, VARINT)).uint32(span.length);
}

function writeMetadata(w: Writer, metadata: MetricMetadata): void {
  if (metadata.type !== 0) w.uint32(tagOf(MetadataField.type, VARINT)).int32(metadata.type);
  writeString(w, MetadataField.metricFamilyName, metadata.metricFamilyName);
  writeString(w, MetadataField.help, metadata.help);
  writeString(w, MetadataField.unit, metadata.unit);
}

function writeMessage(w: Writer, field: number, body: () => void): void {
  w.uint32(tagOf(field, LEN)).fork();
  body();
  w.ldelim();
}

function writeString(w: Writer, field: number, value: string): void {
  if (value !== '') w.uint32(tagOf(field, LEN)).string(value);
}

/** A sample value, written word by word so a staleness marker keeps its exact bits. */
function writeValue(w: Writer, field: number, value: number, stale: boolean): void {
  if (value === 0 && !stale && !Object.is(value, -0)) return;
  const [low, high] = wordsOfDouble(value, stale);
  w.uint32(tagOf(field, I64)).fixed32(low).fixed32(high);
}

function writeDouble(w: Writer, field: number, value: number): void {
  if (value !== 0 || Object.is(value, -0)) w.uint32(tagOf(field, I64)).double(value);
}

function writeInt64(w: Writer, field: number, value: number): void {
  if (value !== 0) w.uint32(tagOf(field, VARINT)).int64(value);
}
