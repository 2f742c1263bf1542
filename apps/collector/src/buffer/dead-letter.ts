import type { IHeaders, KafkaMessage, Message } from 'kafkajs';

/** Why a record went to the dead-letter topic (the `reason` label of firefly_kafka_dead_lettered_total). */
export type DeadLetterReason = 'undecodable' | 'permanent_storage_error';

/** Headers a dead-lettered record carries, besides its own. */
export const DEAD_LETTER_HEADERS = {
  topic: 'firefly.source.topic',
  partition: 'firefly.source.partition',
  offset: 'firefly.source.offset',
  reason: 'firefly.dead-letter.reason',
  code: 'firefly.dead-letter.code',
  error: 'firefly.dead-letter.error',
} as const;

const MAX_ERROR_LENGTH = 1_000;

export interface DeadLetterSource {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
}

/**
 * The record as it was (key, value, headers), plus where it came from and why it could not be
 * stored, so it can be inspected and, once the cause is fixed, produced to its topic again.
 */
export function deadLetterMessage(
  source: DeadLetterSource,
  reason: DeadLetterReason,
  failure: { code: string; error: string },
): Message {
  const headers: IHeaders = {
    ...(source.message.headers ?? {}),
    [DEAD_LETTER_HEADERS.topic]: source.topic,
    [DEAD_LETTER_HEADERS.partition]: String(source.partition),
    [DEAD_LETTER_HEADERS.offset]: source.message.offset,
    [DEAD_LETTER_HEADERS.reason]: reason,
    [DEAD_LETTER_HEADERS.code]: failure.code,
    [DEAD_LETTER_HEADERS.error]: failure.error.slice(0, MAX_ERROR_LENGTH),
  };
  return {
    key: source.message.key,
    value: source.message.value,
    headers,
    timestamp: source.message.timestamp,
  };
}
