import { FirehoseError } from '../errors.js';

/** Firehose's limit on a record's data: 1,024,000 bytes before base64, 1,365,336 characters after. */
export const MAX_RECORD_BASE64_LENGTH = 1_365_336;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes standard, padded base64 strictly: Node's decoder skips characters it does not know, which
 * would turn a corrupted record into different bytes instead of an error.
 */
export function decodeBase64(text: string, where: string, maxLength = MAX_RECORD_BASE64_LENGTH): Buffer {
  if (text.length > maxLength)
    throw new FirehoseError(
      'INVALID_BASE64',
      `${where} is ${text.length} base64 characters, more than the ${maxLength} Firehose allows`,
    );
  if (text.length % 4 !== 0 || !BASE64.test(text))
    throw new FirehoseError('INVALID_BASE64', `${where} is not standard padded base64`);
  return Buffer.from(text, 'base64');
}
