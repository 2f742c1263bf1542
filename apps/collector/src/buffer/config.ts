import type { CollectorConfig } from '../config/schema.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** What the Kafka buffer logs through (a pino or fastify logger fits). */
export interface BufferLogger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/**
 * Settings of the Kafka buffer that are not in the configuration file: sizes that follow from
 * Kafka's own limits, and timings tests shorten.
 */
export interface KafkaBufferTuning {
  /**
   * Bytes of records accepted from receivers but not yet acknowledged by Kafka; a submission that
   * would go over is refused with SATURATED (429) instead of queueing without bound.
   */
  maxInFlightBytes: number;
  /** A trace's spans or a metric's points are split into several records above this size. */
  maxRecordBytes: number;
  /**
   * Record bytes (before compression) in one produce request. Kafka refuses a partition's record
   * batch above the broker's `message.max.bytes` (1 MiB by default), so this stays below it.
   */
  maxRequestBytes: number;
  /** Consumer group session: a consumer silent this long is removed and its partitions move. */
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  /**
   * Bytes a fetch returns per partition at most (Kafka still returns a first record batch that is
   * larger): bounds the memory each partition's records take before they are written.
   */
  maxBytesPerPartition: number;
  /**
   * Partitions written to storage at once (each with at most one batch in flight). Two by default,
   * as in direct mode: more concurrent inserts only add parts and memory on a ClickHouse of few cores
   * (eight took ~65 MiB more of the collector's RSS in the bench, for the same rate). A fetch asks for
   * at most two batches of bytes per partition written at once (see the storage consumer).
   */
  partitionsConsumedConcurrently: number;
  /** How long `start()` waits for Kafka; past it, set-up goes on in the background. */
  startTimeoutMs: number;
  /** Longest pause between set-up attempts while Kafka is unreachable. */
  maxSetupBackoffMs: number;
  /** Longest pause before a partition retries a batch it had to give up (e.g. Kafka down). */
  maxBatchBackoffMs: number;
}

export function defaultTuning(config: Pick<CollectorConfig, 'kafka'>): KafkaBufferTuning {
  return {
    maxInFlightBytes: 16 * MiB,
    maxRecordBytes: 512 * KiB,
    maxRequestBytes: 900 * KiB,
    sessionTimeoutMs: 30_000,
    heartbeatIntervalMs: 3_000,
    maxBytesPerPartition: MiB,
    partitionsConsumedConcurrently: Math.min(config.kafka.partitions, 2),
    startTimeoutMs: Math.max(3 * config.kafka.requestTimeoutMs, 15_000),
    maxSetupBackoffMs: 30_000,
    maxBatchBackoffMs: 10_000,
  };
}

/** Tuning with defaults filled in; throws naming the first value that cannot work. */
export function resolveTuning(
  config: Pick<CollectorConfig, 'kafka'>,
  overrides: Partial<KafkaBufferTuning> = {},
): KafkaBufferTuning {
  const tuning = { ...defaultTuning(config), ...withoutUndefined(overrides) };
  for (const [field, value] of Object.entries(tuning)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new Error(`kafka buffer tuning ${field}: must be a positive integer, got ${String(value)}`);
    }
  }
  if (tuning.maxRecordBytes > tuning.maxRequestBytes) {
    throw new Error(
      `kafka buffer tuning maxRecordBytes (${tuning.maxRecordBytes}) must not exceed maxRequestBytes (${tuning.maxRequestBytes})`,
    );
  }
  if (tuning.heartbeatIntervalMs >= tuning.sessionTimeoutMs) {
    throw new Error('kafka buffer tuning heartbeatIntervalMs must be shorter than sessionTimeoutMs');
  }
  return tuning;
}

/**
 * Bytes the broker waits for before answering a fetch (or until `batchTimeoutMs`): about a full
 * storage batch of gzip-compressed items, so ClickHouse gets few large inserts under load and a
 * small one every `batchTimeoutMs` when traffic is light.
 */
export function fetchMinBytes(batchMaxItems: number): number {
  return Math.min(batchMaxItems * 100, MiB);
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
