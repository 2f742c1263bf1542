import { type Attributes, SpanKind } from '@opentelemetry/api';
import {
  ATTR_FAAS_DOCUMENT_COLLECTION,
  ATTR_FAAS_DOCUMENT_NAME,
  ATTR_FAAS_DOCUMENT_OPERATION,
  ATTR_FAAS_DOCUMENT_TIME,
} from '../attributes.js';
import { isRecord, stringField } from '../carrier.js';
import type { SourceMatch } from './source-match.js';

export function isS3Record(record: unknown): record is Record<string, unknown> {
  return stringField(record, 'eventSource') === 'aws:s3' && isRecord((record as Record<string, unknown>).s3);
}

/** S3 notifications carry no trace context a producer could set: a new root. */
export function matchS3(records: unknown[]): SourceMatch {
  const record = records.find(isS3Record);
  const s3 = record?.s3 as Record<string, unknown> | undefined;
  const attributes: Attributes = {};
  const bucket = stringField(s3?.bucket, 'name');
  if (bucket !== undefined) attributes[ATTR_FAAS_DOCUMENT_COLLECTION] = bucket;
  const key = stringField(s3?.object, 'key');
  // Keys arrive URL-encoded with `+` for spaces, as in an HTML form.
  if (key !== undefined) attributes[ATTR_FAAS_DOCUMENT_NAME] = decodeKey(key);
  const operation = operationOf(stringField(record, 'eventName'));
  if (operation !== undefined) attributes[ATTR_FAAS_DOCUMENT_OPERATION] = operation;
  const time = stringField(record, 'eventTime');
  if (time !== undefined) attributes[ATTR_FAAS_DOCUMENT_TIME] = time;
  return { source: 's3', trigger: 'datasource', spanKind: SpanKind.SERVER, attributes };
}

function operationOf(eventName: string | undefined): string | undefined {
  if (eventName?.startsWith('ObjectCreated:')) return 'insert';
  if (eventName?.startsWith('ObjectRemoved:')) return 'delete';
  return undefined;
}

function decodeKey(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return key;
  }
}
