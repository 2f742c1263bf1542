import { kafkaBatchId, refusesData, storageErrorCode } from '@firefly/storage';
import type { Batch, EachBatchPayload, KafkaMessage, Message } from 'kafkajs';
import type { CollectorMetrics, SignalName } from '../telemetry/metrics.js';
import { boundaryMetadata, cutBatches, pendingBatchEnd } from './batch-boundary.js';
import type { BufferLogger } from './config.js';
import { type DeadLetterReason, deadLetterMessage } from './dead-letter.js';
import type { DecodedRecord } from './decode-records.js';
import { errorMessage } from './error-message.js';

/** How one topic's records become storage writes. */
export interface SignalRoute<T> {
  readonly signal: SignalName;
  decode(value: Buffer | null): DecodedRecord<T>;
  write(id: string, items: readonly T[]): Promise<void>;
}

/** What a partition writer needs from the consumer around it. */
export interface PartitionContext {
  readonly metrics: CollectorMetrics;
  readonly log: BufferLogger;
  readonly maxItems: number;
  readonly heartbeatIntervalMs: number;
  /** The group's committed offset and metadata for one partition (-1 and null when none). */
  committed(topic: string, partition: number): Promise<{ offset: string; metadata: string | null }>;
  commit(topic: string, partition: number, offset: bigint, metadata: string | null): Promise<void>;
  /** Produces to the dead-letter topic; resolves once Kafka acknowledged. */
  deadLetter(messages: Message[]): Promise<void>;
  /** True once the consumer is stopping: finish the current batch, start no other. */
  draining(): boolean;
}

/**
 * A batch given up without committing it: its records are read again from `resumeAt` (the
 * partition's committed position), cut the same way thanks to the boundary committed before.
 */
export class BatchAborted extends Error {
  override readonly name = 'BatchAborted';
  constructor(
    message: string,
    readonly resumeAt: bigint | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

interface ReadRecord<T> {
  readonly message: KafkaMessage;
  readonly offset: bigint;
  readonly decoded: DecodedRecord<T>;
}

/**
 * Turns one partition's fetched records into storage batches, one at a time: commit the batch's
 * boundary, dead-letter what cannot be decoded, write the rest, commit past the batch. A writer
 * lives as long as the partition stays assigned and kafkajs keeps reading where it left off;
 * anything else (a rebalance, an error) replaces it with a new one that starts from the commit.
 */
export class PartitionWriter<T> {
  /** The first offset not yet committed: where a replacement writer resumes. */
  resumeAt: bigint | undefined;
  /** The offset kafkajs fetches next for this partition. */
  private next: bigint | undefined;
  /** Records of a pending batch read so far, while its end has not been fetched yet. */
  private carried: ReadRecord<T>[] = [];
  private replayEnd: bigint | undefined;

  constructor(
    readonly topic: string,
    readonly partition: number,
    private readonly route: SignalRoute<T>,
    private readonly context: PartitionContext,
  ) {}

  /**
   * Whether kafkajs reads past `resumeAt`, which happens only while a pending batch is carried
   * over between fetches: a replacement writer then needs the partition sought back.
   */
  get readsAhead(): boolean {
    return this.next !== undefined && this.resumeAt !== undefined && this.next !== this.resumeAt;
  }

  async consume(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const fetchedFrom = fetchedOffset(batch);
    if (this.next !== fetchedFrom) await this.restore(fetchedFrom);
    const records = [...this.carried, ...this.read(batch.messages)];
    this.carried = [];
    const cut = cutBatches({
      offsets: records.map((record) => record.offset),
      items: records.map((record) => (record.decoded.ok ? record.decoded.items.length : 0)),
      maxItems: this.context.maxItems,
      replayEnd: this.replayEnd,
      coveredTo: BigInt(batch.lastOffset()),
    });
    if (cut.carryFrom !== undefined) {
      // The pending batch goes on past this fetch: keep reading, and cut it when it is whole.
      this.carried = records.slice(cut.carryFrom);
      payload.resolveOffset(batch.lastOffset());
      this.next = BigInt(batch.lastOffset()) + 1n;
      return;
    }
    this.replayEnd = undefined;
    for (const [start, end] of cut.batches) {
      // What is left is read again by whoever owns the partition next.
      if (this.context.draining()) return;
      await this.write(records.slice(start, end), payload);
      await payload.heartbeat();
    }
  }

  /** Starts over from the group's commit, picking up the boundary of a batch left pending there. */
  private async restore(fetchedFrom: bigint): Promise<void> {
    if (this.carried.length > 0) {
      // Not expected (a rebalance replaces the writer first); logged in case kafkajs ever does it.
      this.context.log.warn(
        { topic: this.topic, partition: this.partition, carried: this.carried.length, fetchedFrom },
        'kafkajs now reads the partition from elsewhere while a batch was pending; resuming there',
      );
    }
    this.carried = [];
    let committed: { offset: string; metadata: string | null };
    try {
      committed = await this.context.committed(this.topic, this.partition);
    } catch (error) {
      throw new BatchAborted(`reading the committed offset failed: ${errorMessage(error)}`, undefined, {
        cause: error,
      });
    }
    const fromCommit = /^\d+$/.test(committed.offset) && BigInt(committed.offset) === fetchedFrom;
    this.replayEnd = fromCommit ? pendingBatchEnd(committed.offset, committed.metadata) : undefined;
    this.next = fetchedFrom;
    this.resumeAt = fetchedFrom;
    if (this.replayEnd !== undefined) {
      this.context.log.info(
        { topic: this.topic, partition: this.partition, first: fetchedFrom, last: this.replayEnd },
        'resuming a batch left pending: cutting it at its recorded end so storage drops what it already has',
      );
    }
  }

  private read(messages: readonly KafkaMessage[]): ReadRecord<T>[] {
    return messages.map((message) => ({
      message,
      offset: BigInt(message.offset),
      decoded: this.route.decode(message.value),
    }));
  }

  private async write(records: readonly ReadRecord<T>[], payload: EachBatchPayload): Promise<void> {
    const first = (records[0] as ReadRecord<T>).offset;
    const last = (records[records.length - 1] as ReadRecord<T>).offset;
    const id = this.rangeId(records);
    // The boundary is durable before anything of the batch can be: a replay is cut the same way.
    await this.commit(payload, first, boundaryMetadata(first, last));

    const decoded = records.filter((record) => record.decoded.ok);
    if (decoded.length > 0) await this.store(id, decoded, payload);
    // After the write: a write given up replays the batch, and storage drops it, the topic would not.
    const undecodable = records.filter((record) => !record.decoded.ok);
    if (undecodable.length > 0) {
      await this.deadLetter(undecodable, 'undecodable', (record) =>
        record.decoded.ok ? { code: '', error: '' } : record.decoded,
      );
    }

    await this.commit(payload, last + 1n, null);
    payload.resolveOffset(String(last));
    this.next = last + 1n;
    this.resumeAt = last + 1n;
    const lag = BigInt(payload.batch.highWatermark) - (last + 1n);
    this.context.metrics.consumerLag.set(
      { topic: this.topic, partition: String(this.partition) },
      Number(lag > 0n ? lag : 0n),
    );
  }

  /**
   * Writes decoded records as one batch. When storage refuses the data itself (INVALID_DATA),
   * the records are split in halves, each written as a batch of its own range, down to the
   * single records that are refused, which alone go to the dead-letter topic: one bad value costs
   * a few more inserts, not its neighbours. The halves are the same on every replay, and so are
   * their ids. Any other failure (storage down, its schema or credentials wrong until fixed, the
   * writer stopped) is no fault of the records: the batch is given up uncommitted and replayed.
   */
  private async store(
    id: string,
    records: readonly ReadRecord<T>[],
    payload: EachBatchPayload,
  ): Promise<void> {
    const items = records.flatMap((record) => (record.decoded.ok ? record.decoded.items : []));
    try {
      await this.heartbeating(payload, this.route.write(id, items));
    } catch (error) {
      const code = storageErrorCode(error);
      // What the writer retries ends here only once it was stopped; a closed adapter means shutdown.
      if (!refusesData(error)) {
        throw new BatchAborted(`storage write of ${id} given up: ${errorMessage(error)}`, this.resumeAt, {
          cause: error,
        });
      }
      if (code === 'INVALID_DATA' && records.length > 1) {
        const half = Math.ceil(records.length / 2);
        for (const part of [records.slice(0, half), records.slice(half)]) {
          await this.store(this.rangeId(part), part, payload);
        }
        return;
      }
      this.context.log.error(
        { topic: this.topic, partition: this.partition, batch: id, code, err: error },
        'storage refused the records themselves: they go to the dead-letter topic',
      );
      await this.deadLetter(records, 'permanent_storage_error', () => ({ code, error: errorMessage(error) }));
    }
  }

  /**
   * The id of a range of records. The first record's timestamp sets apart a topic whose offsets
   * started again (created anew, another cluster) from the one storage remembers ids of; a replay
   * reads the same first record, so its id is the same.
   */
  private rangeId(records: readonly ReadRecord<T>[]): string {
    const first = records[0] as ReadRecord<T>;
    return kafkaBatchId({
      topic: this.topic,
      partition: this.partition,
      firstOffset: first.offset,
      lastOffset: (records[records.length - 1] as ReadRecord<T>).offset,
      firstTimestamp: first.message.timestamp,
    });
  }

  private async deadLetter(
    records: readonly ReadRecord<T>[],
    reason: DeadLetterReason,
    failure: (record: ReadRecord<T>) => { code: string; error: string },
  ): Promise<void> {
    const messages = records.map((record) =>
      deadLetterMessage(
        { topic: this.topic, partition: this.partition, message: record.message },
        reason,
        failure(record),
      ),
    );
    try {
      await this.context.deadLetter(messages);
    } catch (error) {
      throw new BatchAborted(
        `producing to the dead-letter topic failed: ${errorMessage(error)}`,
        this.resumeAt,
        {
          cause: error,
        },
      );
    }
    this.context.metrics.deadLettered.inc({ topic: this.topic, reason }, records.length);
    this.context.log.warn(
      {
        topic: this.topic,
        partition: this.partition,
        offsets: records.map((record) => record.message.offset),
        reason,
        error: failure(records[0] as ReadRecord<T>).error,
      },
      'records moved to the dead-letter topic',
    );
  }

  private async commit(payload: EachBatchPayload, offset: bigint, metadata: string | null): Promise<void> {
    await this.context.commit(this.topic, this.partition, offset, metadata);
    // kafkajs skips commits silently once its runner stops; a skipped boundary must stop the batch.
    if (!payload.isRunning()) {
      throw new BatchAborted('the consumer stopped before the offset was committed', this.resumeAt);
    }
  }

  /** Keeps the group membership alive while storage takes its time (retries, backpressure). */
  private async heartbeating<R>(payload: EachBatchPayload, work: Promise<R>): Promise<R> {
    const timer = setInterval(() => {
      payload.heartbeat().catch((error: unknown) => {
        this.context.log.debug({ err: error }, 'heartbeat during a storage write failed');
      });
    }, this.context.heartbeatIntervalMs);
    try {
      return await work;
    } finally {
      clearInterval(timer);
    }
  }
}

/** Where kafkajs fetched this batch from (not in its types; the first message's offset otherwise). */
function fetchedOffset(batch: Batch): bigint {
  const fetched = (batch as Batch & { fetchedOffset?: unknown }).fetchedOffset;
  if (typeof fetched === 'string' && /^\d+$/.test(fetched)) return BigInt(fetched);
  return BigInt(batch.firstOffset() ?? batch.lastOffset());
}
