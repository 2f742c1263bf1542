import type { MetricPoint, Span } from '@firefly/model';
import type { Admin, CompressionTypes, Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import type { CollectorConfig } from '../config/schema.js';
import type { StorageWriter } from '../exporter/storage-writer.js';
import type { CollectorMetrics } from '../telemetry/metrics.js';
import { settlesWithin, sleep } from '../timing.js';
import { type BufferLogger, fetchMinBytes, type KafkaBufferTuning } from './config.js';
import { decodePointRecord, decodeSpanRecord } from './decode-records.js';
import { errorMessage } from './error-message.js';
import { clientTimeouts } from './kafka-log.js';
import {
  BatchAborted,
  type PartitionContext,
  PartitionWriter,
  type SignalRoute,
} from './partition-writer.js';

export interface StorageConsumerOptions {
  kafka: Kafka;
  /** For the committed offsets' metadata, which the consumer API does not return. */
  admin: Admin;
  /** For the dead-letter topic. */
  producer: Producer;
  writer: StorageWriter;
  metrics: CollectorMetrics;
  log: BufferLogger;
  config: Pick<CollectorConfig, 'kafka' | 'pipeline'>;
  compression: CompressionTypes;
  tuning: KafkaBufferTuning;
}

/**
 * The Kafka → storage half: a consumer group member reading both signal topics, each assigned
 * partition through its own {@link PartitionWriter} (partitions in parallel, one storage batch
 * in flight per partition). Offsets are committed by hand, only after storage acknowledged.
 */
export class StorageConsumer {
  private readonly consumer: Consumer;
  private readonly routes: ReadonlyMap<string, SignalRoute<unknown>>;
  private readonly context: PartitionContext;
  private readonly writers = new Map<string, PartitionWriter<unknown>>();
  private readonly failures = new Map<string, number>();
  private assigned = new Set<string>();
  private active = 0;
  private idleWaiters: (() => void)[] = [];
  /** Aborted once the consumer is stopping: it finishes its current batches and starts no other. */
  private readonly stopping = new AbortController();
  private running = false;
  private state = { ok: false, detail: 'not started' };

  constructor(private readonly options: StorageConsumerOptions) {
    const { kafka, config, tuning, writer } = options;
    this.consumer = kafka.consumer({
      groupId: config.kafka.groupId,
      sessionTimeout: tuning.sessionTimeoutMs,
      heartbeatInterval: tuning.heartbeatIntervalMs,
      // The broker holds a fetch until about a storage batch arrived, or batchTimeoutMs passed.
      minBytes: fetchMinBytes(config.pipeline.batchMaxItems),
      maxWaitTimeInMs: config.pipeline.batchTimeoutMs,
      maxBytesPerPartition: tuning.maxBytesPerPartition,
      // A fetch holds at most two partitions' worth per partition written at once (kafkajs: 10 MB).
      maxBytes: 2 * tuning.partitionsConsumedConcurrently * tuning.maxBytesPerPartition,
      allowAutoTopicCreation: false,
      retry: {
        ...clientTimeouts(config.kafka.requestTimeoutMs).retry,
        restartOnFailure: async (error) => {
          options.log.error({ err: error }, 'the Kafka consumer crashed; restarting it');
          return true;
        },
      },
    });
    const spans: SignalRoute<Span> = {
      signal: 'traces',
      decode: decodeSpanRecord,
      write: (id, items) => writer.writeSpans(id, items),
    };
    const points: SignalRoute<MetricPoint> = {
      signal: 'metrics',
      decode: decodePointRecord,
      write: (id, items) => writer.writePoints(id, items),
    };
    // Each writer only hands its route what that route decoded, so the element types match.
    this.routes = new Map([
      [config.kafka.topics.traces, spans as SignalRoute<unknown>],
      [config.kafka.topics.metrics, points as SignalRoute<unknown>],
    ]);
    this.context = this.partitionContext();
    this.watch();
  }

  /** Joins the group and starts consuming; resolves once the first assignment arrived. */
  async start(): Promise<void> {
    if (this.running) return;
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.routes.keys()], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.tuning.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    this.running = true;
  }

  status(): { ok: boolean; detail: string } {
    return this.state;
  }

  /**
   * Lets the batches being written finish and commit, and starts no new one; resolves true when
   * none is left, false if some still are at `until` (epoch ms).
   */
  async drain(until: number): Promise<boolean> {
    this.stopping.abort();
    if (this.running) {
      // Paused partitions are left out of fetches, so kafkajs stops handing out batches.
      this.consumer.pause([...this.routes.keys()].map((topic) => ({ topic })));
    }
    if (this.active === 0) return true;
    const idle = new Promise<true>((resolve) => this.idleWaiters.push(() => resolve(true)));
    return settlesWithin(idle, until - Date.now());
  }

  async disconnect(): Promise<void> {
    this.stopping.abort();
    await this.consumer.disconnect();
    this.running = false;
    this.state = { ok: false, detail: 'stopped' };
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    if (this.stopping.signal.aborted) return;
    const { topic, partition } = payload.batch;
    const key = `${topic}/${partition}`;
    const writer = this.writerFor(key, topic, partition);
    this.active += 1;
    try {
      await writer.consume(payload);
      this.failures.delete(key);
    } catch (error) {
      await this.recover(key, writer, error, payload);
    } finally {
      this.active -= 1;
      if (this.active === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  /**
   * After a failure the partition starts over from its commit with a new writer. A batch given
   * up waits a growing pause (with heartbeats); Kafka errors (a rebalance, a fenced commit) go
   * back to kafkajs, which rejoins the group or retries.
   */
  private async recover(
    key: string,
    writer: PartitionWriter<unknown>,
    error: unknown,
    payload: EachBatchPayload,
  ): Promise<void> {
    if (this.writers.get(key) === writer) this.writers.delete(key);
    // Only when needed: kafkajs keeps a seek until the partition's next fetch, even across a
    // rebalance, and a stale one would rewind the partition when it comes back.
    if (writer.readsAhead && writer.resumeAt !== undefined && !this.stopping.signal.aborted) {
      this.consumer.seek({
        topic: writer.topic,
        partition: writer.partition,
        offset: String(writer.resumeAt),
      });
    }
    if (!(error instanceof BatchAborted)) {
      this.options.log.warn(
        { topic: writer.topic, partition: writer.partition, err: error },
        'Kafka refused a commit; the partition resumes from its last commit',
      );
      throw error;
    }
    const failures = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, failures);
    const backoffMs = Math.min(250 * 2 ** failures, this.options.tuning.maxBatchBackoffMs);
    this.options.log.warn(
      { topic: writer.topic, partition: writer.partition, resumeAt: writer.resumeAt, backoffMs, err: error },
      'batch given up without committing; it will be read again',
    );
    if (this.stopping.signal.aborted) return;
    const heartbeats = setInterval(() => {
      payload.heartbeat().catch(() => {});
    }, this.options.tuning.heartbeatIntervalMs);
    try {
      await sleep(backoffMs, { signal: this.stopping.signal });
    } finally {
      clearInterval(heartbeats);
    }
  }

  private writerFor(key: string, topic: string, partition: number): PartitionWriter<unknown> {
    let writer = this.writers.get(key);
    if (writer === undefined) {
      const route = this.routes.get(topic);
      if (route === undefined) throw new Error(`records from ${topic}, a topic this consumer does not read`);
      writer = new PartitionWriter(topic, partition, route, this.context);
      this.writers.set(key, writer);
    }
    return writer;
  }

  private partitionContext(): PartitionContext {
    return {
      metrics: this.options.metrics,
      log: this.options.log,
      maxItems: this.options.config.pipeline.batchMaxItems,
      heartbeatIntervalMs: this.options.tuning.heartbeatIntervalMs,
      committed: async (topic, partition) => {
        const topics = await this.options.admin.fetchOffsets({
          groupId: this.options.config.kafka.groupId,
          topics: [topic],
        });
        const found = topics
          .find((t) => t.topic === topic)
          ?.partitions.find((p) => p.partition === partition);
        return { offset: found?.offset ?? '-1', metadata: found?.metadata ?? null };
      },
      commit: (topic, partition, offset, metadata) =>
        this.consumer.commitOffsets([{ topic, partition, offset: String(offset), metadata }]),
      deadLetter: async (messages) => {
        await this.options.producer.send({
          topic: this.options.config.kafka.topics.deadLetter,
          messages,
          acks: -1,
          timeout: this.options.config.kafka.requestTimeoutMs,
          compression: this.options.compression,
        });
      },
      draining: () => this.stopping.signal.aborted,
    };
  }

  /** Tracks membership for readiness, and forgets partition state when assignments change. */
  private watch(): void {
    const { events } = this.consumer;
    this.consumer.on(events.GROUP_JOIN, ({ payload }) => {
      // A new generation starts every partition from its commit, so no writer may carry on.
      this.writers.clear();
      const assigned = new Set(
        Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) =>
          partitions.map((partition) => `${topic}/${partition}`),
        ),
      );
      for (const key of this.assigned) {
        if (!assigned.has(key)) {
          const [topic = '', partition = ''] = key.split('/');
          this.options.metrics.consumerLag.remove({ topic, partition });
        }
      }
      this.assigned = assigned;
      this.state = {
        ok: true,
        detail: `member of group ${payload.groupId} with ${assigned.size} partitions assigned`,
      };
    });
    this.consumer.on(events.CRASH, ({ payload }) => {
      this.state = {
        ok: false,
        detail: `crashed (${errorMessage(payload.error)})${payload.restart ? ', restarting' : ''}`,
      };
    });
  }
}
