import protobuf from 'protobufjs/minimal.js';
import { RemoteWriteDecodeError } from '../errors.js';
import {
  type BucketSpan,
  type Exemplar,
  emptyHistogram,
  type Histogram,
  type Label,
  type MetricMetadata,
  type Sample,
  type TimeSeries,
  type WriteRequest,
} from '../write-request.js';
import { doubleFromWords, isStaleWords } from './double-bits.js';
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

type Reader = protobuf.Reader;

const { VARINT, I64, LEN } = WireType;

const REQUEST_TIMESERIES = tagOf(WriteRequestField.timeseries, LEN);
const REQUEST_METADATA = tagOf(WriteRequestField.metadata, LEN);
const SERIES_LABELS = tagOf(TimeSeriesField.labels, LEN);
const SERIES_SAMPLES = tagOf(TimeSeriesField.samples, LEN);
const SERIES_EXEMPLARS = tagOf(TimeSeriesField.exemplars, LEN);
const SERIES_HISTOGRAMS = tagOf(TimeSeriesField.histograms, LEN);
const LABEL_NAME = tagOf(LabelField.name, LEN);
const LABEL_VALUE = tagOf(LabelField.value, LEN);
const SAMPLE_VALUE = tagOf(SampleField.value, I64);
const SAMPLE_TIMESTAMP = tagOf(SampleField.timestamp, VARINT);
const EXEMPLAR_LABELS = tagOf(ExemplarField.labels, LEN);
const EXEMPLAR_VALUE = tagOf(ExemplarField.value, I64);
const EXEMPLAR_TIMESTAMP = tagOf(ExemplarField.timestamp, VARINT);
const SPAN_OFFSET = tagOf(BucketSpanField.offset, VARINT);
const SPAN_LENGTH = tagOf(BucketSpanField.length, VARINT);
const METADATA_TYPE = tagOf(MetadataField.type, VARINT);
const METADATA_NAME = tagOf(MetadataField.metricFamilyName, LEN);
const METADATA_HELP = tagOf(MetadataField.help, LEN);
const METADATA_UNIT = tagOf(MetadataField.unit, LEN);

/** Default cap on nested messages (series, labels, samples, …) in one request. */
export const DEFAULT_MAX_ELEMENTS = 500_000;

// Messages left to the decode in progress. An empty message is 2 bytes on the wire but an object
// of several arrays in memory, so a small body could otherwise demand gigabytes. Decoding is
// synchronous, so one counter per module is enough.
let elementsLeft = DEFAULT_MAX_ELEMENTS;
let elementsMax = DEFAULT_MAX_ELEMENTS;

/**
 * Decodes an uncompressed protobuf `WriteRequest`. Unknown fields are skipped; a known field with
 * the wrong wire type, a length past its message, or invalid UTF-8 rejects the whole request, and
 * so do more than `maxElements` nested messages (Prometheus sends a few tens of thousands).
 */
export function decodeWriteRequestProtobuf(
  bytes: Uint8Array,
  options: { maxElements?: number } = {},
): WriteRequest {
  const reader = protobuf.Reader.create(bytes);
  elementsMax = options.maxElements ?? DEFAULT_MAX_ELEMENTS;
  elementsLeft = elementsMax;
  try {
    return readWriteRequest(reader);
  } catch (error) {
    if (error instanceof RemoteWriteDecodeError) throw error;
    throw new RemoteWriteDecodeError(
      'INVALID_PROTOBUF',
      `the body is not a valid WriteRequest near byte ${reader.pos} of ${reader.len}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

function readWriteRequest(r: Reader): WriteRequest {
  const request: WriteRequest = { timeseries: [], metadata: [] };
  while (r.pos < r.len) {
    const tag = r.tag();
    if (tag === REQUEST_TIMESERIES) request.timeseries.push(readTimeSeries(r, messageEnd(r)));
    else if (tag === REQUEST_METADATA) request.metadata.push(readMetadata(r, messageEnd(r)));
    else skipField(r, tag, 'WriteRequest', WriteRequestField);
  }
  return request;
}

function readTimeSeries(r: Reader, end: number): TimeSeries {
  const series: TimeSeries = { labels: [], samples: [], exemplars: [], histograms: [] };
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === SERIES_SAMPLES) series.samples.push(readSample(r, messageEnd(r)));
    else if (tag === SERIES_LABELS) series.labels.push(readLabel(r, messageEnd(r)));
    else if (tag === SERIES_EXEMPLARS) series.exemplars.push(readExemplar(r, messageEnd(r)));
    else if (tag === SERIES_HISTOGRAMS) series.histograms.push(readHistogram(r, messageEnd(r)));
    else skipField(r, tag, 'TimeSeries', TimeSeriesField);
  }
  return closeMessage(r, end, series);
}

function readLabel(r: Reader, end: number): Label {
  let name = '';
  let value = '';
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === LABEL_NAME) name = readString(r, 'Label.name');
    else if (tag === LABEL_VALUE) value = readString(r, 'Label.value');
    else skipField(r, tag, 'Label', LabelField);
  }
  return closeMessage(r, end, { name, value });
}

function readSample(r: Reader, end: number): Sample {
  let value = 0;
  let timestamp = 0;
  let stale = false;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === SAMPLE_VALUE) {
      const low = r.fixed32();
      const high = r.fixed32();
      value = doubleFromWords(low, high);
      stale = isStaleWords(low, high);
    } else if (tag === SAMPLE_TIMESTAMP) {
      timestamp = signed(r.int64());
    } else {
      skipField(r, tag, 'Sample', SampleField);
    }
  }
  return closeMessage(r, end, { value, timestamp, stale });
}

function readExemplar(r: Reader, end: number): Exemplar {
  const exemplar: Exemplar = { labels: [], value: 0, timestamp: 0 };
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === EXEMPLAR_LABELS) exemplar.labels.push(readLabel(r, messageEnd(r)));
    else if (tag === EXEMPLAR_VALUE) exemplar.value = r.double();
    else if (tag === EXEMPLAR_TIMESTAMP) exemplar.timestamp = signed(r.int64());
    else skipField(r, tag, 'Exemplar', ExemplarField);
  }
  return closeMessage(r, end, exemplar);
}

// The wire type each non-repeated histogram field must have (repeated scalars may be packed).
const HISTOGRAM_WIRE_TYPES: ReadonlyMap<number, number> = new Map([
  [H.countInt, VARINT],
  [H.countFloat, I64],
  [H.sum, I64],
  [H.schema, VARINT],
  [H.zeroThreshold, I64],
  [H.zeroCountInt, VARINT],
  [H.zeroCountFloat, I64],
  [H.negativeSpans, LEN],
  [H.positiveSpans, LEN],
  [H.resetHint, VARINT],
  [H.timestamp, VARINT],
]);

function readHistogram(r: Reader, end: number): Histogram {
  const h = emptyHistogram();
  while (r.pos < end) {
    const tag = r.tag();
    const field = tag >>> 3;
    const wireType = tag & 7;
    const expected = HISTOGRAM_WIRE_TYPES.get(field);
    if (expected !== undefined && expected !== wireType) {
      throw wrongWireType(`Histogram field ${field}`, wireType, r.pos);
    }
    readHistogramField(r, h, field, wireType);
  }
  return closeMessage(r, end, h);
}

function readHistogramField(r: Reader, h: Histogram, field: number, wireType: number): void {
  switch (field) {
    case H.countInt:
      h.kind = 'int';
      h.count = unsigned(r.uint64());
      return;
    case H.countFloat:
      h.kind = 'float';
      h.count = r.double();
      return;
    case H.sum: {
      const low = r.fixed32();
      const high = r.fixed32();
      h.sum = doubleFromWords(low, high);
      h.stale = isStaleWords(low, high);
      return;
    }
    case H.schema:
      h.schema = r.sint32();
      return;
    case H.zeroThreshold:
      h.zeroThreshold = r.double();
      return;
    case H.zeroCountInt:
      h.zeroCount = unsigned(r.uint64());
      return;
    case H.zeroCountFloat:
      h.zeroCount = r.double();
      return;
    case H.negativeSpans:
      h.negativeSpans.push(readBucketSpan(r, messageEnd(r)));
      return;
    case H.positiveSpans:
      h.positiveSpans.push(readBucketSpan(r, messageEnd(r)));
      return;
    case H.negativeDeltas:
      readRepeatedSint64(r, wireType, h.negativeDeltas, 'Histogram.negative_deltas');
      return;
    case H.positiveDeltas:
      readRepeatedSint64(r, wireType, h.positiveDeltas, 'Histogram.positive_deltas');
      return;
    case H.negativeCounts:
      readRepeatedDouble(r, wireType, h.negativeCounts, 'Histogram.negative_counts');
      return;
    case H.positiveCounts:
      readRepeatedDouble(r, wireType, h.positiveCounts, 'Histogram.positive_counts');
      return;
    case H.resetHint:
      h.resetHint = r.int32();
      return;
    case H.timestamp:
      h.timestamp = signed(r.int64());
      return;
    default:
      r.skipType(wireType, 0, field);
  }
}

function readBucketSpan(r: Reader, end: number): BucketSpan {
  const span: BucketSpan = { offset: 0, length: 0 };
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === SPAN_OFFSET) span.offset = r.sint32();
    else if (tag === SPAN_LENGTH) span.length = r.uint32();
    else skipField(r, tag, 'BucketSpan', BucketSpanField);
  }
  return closeMessage(r, end, span);
}

function readMetadata(r: Reader, end: number): MetricMetadata {
  const metadata: MetricMetadata = { type: 0, metricFamilyName: '', help: '', unit: '' };
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === METADATA_TYPE) metadata.type = r.int32();
    else if (tag === METADATA_NAME)
      metadata.metricFamilyName = readString(r, 'MetricMetadata.metric_family_name');
    else if (tag === METADATA_HELP) metadata.help = readString(r, 'MetricMetadata.help');
    else if (tag === METADATA_UNIT) metadata.unit = readString(r, 'MetricMetadata.unit');
    else skipField(r, tag, 'MetricMetadata', MetadataField);
  }
  return closeMessage(r, end, metadata);
}

// Repeated scalars may come packed (one LEN field) or one per field; parsers must accept both.
function readRepeatedSint64(r: Reader, wireType: number, into: number[], field: string): void {
  if (wireType === VARINT) {
    into.push(signed(r.sint64()));
    return;
  }
  if (wireType !== LEN) throw wrongWireType(field, wireType, r.pos);
  const end = messageEnd(r);
  while (r.pos < end) into.push(signed(r.sint64()));
  closeMessage(r, end, undefined);
}

function readRepeatedDouble(r: Reader, wireType: number, into: number[], field: string): void {
  if (wireType === I64) {
    into.push(r.double());
    return;
  }
  if (wireType !== LEN) throw wrongWireType(field, wireType, r.pos);
  const end = messageEnd(r);
  while (r.pos < end) into.push(r.double());
  closeMessage(r, end, undefined);
}

function readString(r: Reader, field: string): string {
  try {
    return r.stringVerify();
  } catch (error) {
    if (error instanceof RangeError) throw error;
    throw new RemoteWriteDecodeError('INVALID_UTF8', `${field} is not valid UTF-8 (near byte ${r.pos})`, {
      cause: error,
    });
  }
}

// protobufjs hands out 64-bit integers as Long ({ low, high } words, long.js present) or as numbers.
// Exact up to 2^53: millisecond timestamps and bucket counts are far below that.
function signed(value: protobuf.Long | number): number {
  return typeof value === 'number' ? value : value.high * 0x1_0000_0000 + (value.low >>> 0);
}

function unsigned(value: protobuf.Long | number): number {
  return typeof value === 'number' ? value : (value.high >>> 0) * 0x1_0000_0000 + (value.low >>> 0);
}

/** Reads a message's length and returns where it ends; the end must lie inside the input. */
function messageEnd(r: Reader): number {
  if (--elementsLeft < 0) {
    throw new RemoteWriteDecodeError('TOO_LARGE', `the WriteRequest holds more than ${elementsMax} messages`);
  }
  const length = r.size();
  const end = r.pos + length;
  if (end > r.len) throw new RangeError(`a message of ${length} bytes runs past the end of the input`);
  return end;
}

function closeMessage<T>(r: Reader, end: number, value: T): T {
  if (r.pos !== end) throw new RangeError(`a field runs ${r.pos - end} bytes past the end of its message`);
  return value;
}

/** Skips an unknown field; a known field number with an unexpected wire type is an error. */
function skipField(r: Reader, tag: number, message: string, known: Readonly<Record<string, number>>): void {
  const field = tag >>> 3;
  for (const [name, number] of Object.entries(known)) {
    if (number === field) throw wrongWireType(`${message}.${name}`, tag & 7, r.pos);
  }
  r.skipType(tag & 7, 0, field);
}

function wrongWireType(field: string, actual: number, pos: number): RemoteWriteDecodeError {
  return new RemoteWriteDecodeError(
    'INVALID_PROTOBUF',
    `${field} has wire type ${actual}, which its type does not allow (near byte ${pos})`,
  );
}
