import { FirehoseError } from '../errors.js';
import { decodeBase64 } from '../firehose/base64.js';

/** Present when the Firehose stream reads from a Kinesis data stream. */
export interface KinesisRecordMetadata {
  shardId: string;
  partitionKey: string;
  approximateArrivalTimestamp: number;
  sequenceNumber: string;
  subsequenceNumber: string | number;
}

/** One record of a Firehose data-transformation invocation, as Lambda receives it. */
export interface TransformationEventRecord {
  recordId: string;
  /** When Firehose received the record, in milliseconds since the epoch. */
  approximateArrivalTimestamp: number;
  /** The record's data, base64. */
  data: string;
  kinesisRecordMetadata?: KinesisRecordMetadata;
}

/** The event Firehose invokes a data-transformation Lambda with. */
export interface TransformationEvent {
  invocationId: string;
  deliveryStreamArn: string;
  /** Present when the Firehose stream reads from a Kinesis data stream. */
  sourceKinesisStreamArn?: string;
  region: string;
  records: TransformationEventRecord[];
}

/** A transformation event record with its data decoded. */
export interface TransformationRecord {
  recordId: string;
  approximateArrivalTimestamp: number;
  data: Buffer;
  kinesisRecordMetadata: KinesisRecordMetadata | undefined;
}

/** A validated transformation event with every record's data decoded. */
export interface DecodedTransformationEvent {
  invocationId: string;
  deliveryStreamArn: string;
  sourceKinesisStreamArn: string | undefined;
  region: string;
  records: TransformationRecord[];
}

/**
 * Validates a data-transformation event (typed `unknown`: it is input) and decodes its records'
 * data. Throws `FirehoseError` naming the field, e.g. `records[2].recordId`.
 */
export function decodeTransformationEvent(event: unknown): DecodedTransformationEvent {
  const root = object(event, 'the event');
  const records = root.records;
  if (!Array.isArray(records)) throw invalid('records must be an array');
  return {
    invocationId: string(root, 'invocationId', ''),
    deliveryStreamArn: string(root, 'deliveryStreamArn', ''),
    sourceKinesisStreamArn: optionalString(root, 'sourceKinesisStreamArn'),
    region: string(root, 'region', ''),
    records: records.map(decodeRecord),
  };
}

function decodeRecord(value: unknown, index: number): TransformationRecord {
  const where = `records[${index}].`;
  const record = object(value, `records[${index}]`);
  const approximateArrivalTimestamp = record.approximateArrivalTimestamp;
  if (typeof approximateArrivalTimestamp !== 'number' || !Number.isFinite(approximateArrivalTimestamp))
    throw invalid(`${where}approximateArrivalTimestamp must be a number`);
  const metadata = record.kinesisRecordMetadata;
  if (metadata !== undefined) object(metadata, `${where}kinesisRecordMetadata`);
  return {
    recordId: string(record, 'recordId', where),
    approximateArrivalTimestamp,
    data: decodeBase64(string(record, 'data', where, true), `${where}data`),
    kinesisRecordMetadata: metadata as KinesisRecordMetadata | undefined,
  };
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid(`${what} must be an object`);
  return value as Record<string, unknown>;
}

function string(record: Record<string, unknown>, field: string, where: string, emptyAllowed = false): string {
  const value = record[field];
  if (typeof value !== 'string' || (!emptyAllowed && value === ''))
    throw invalid(`${where}${field} must be a ${emptyAllowed ? '' : 'non-empty '}string`);
  return value;
}

function optionalString(record: Record<string, unknown>, field: string): string | undefined {
  const value = record[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(`${field} must be a string`);
  return value;
}

function invalid(message: string): FirehoseError {
  return new FirehoseError('INVALID_JSON', `invalid transformation event: ${message}`);
}
