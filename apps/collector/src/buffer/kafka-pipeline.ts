import type { MetricPoint, Span } from '@firefly/model';
import { type Admin, CompressionTypes, Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import type { CollectorConfig } from '../config/schema.js';
import type { StorageWriter } from '../exporter/storage-writer.js';
import { type Pipeline, PipelineError, type Readiness } from '../pipeline/pipeline.js';
import type { CollectorMetrics } from '../telemetry/metrics.js';
import { settlesWithin, sleep } from '../timing.js';
import { type BufferLogger, type KafkaBufferTuning, resolveTuning } from './config.js';
import { metricRecords, type OutgoingRecord, traceRecords } from './encode-records.js';
import { errorMessage } from './error-message.js';
import { clientTimeouts, kafkaLogCreator } from './kafka-log.js';
import { ProduceQueue } from './produce-queue.js';
import { StorageConsumer } from './storage-consumer.js';
import { ensureTopics } from './topics.js';

export interface KafkaPipelineOptions {
  config: Pick<CollectorConfig, 'kafka' | 'pipeline'>;
  metrics: CollectorMetrics;
  /** A pino logger (or anything with its debug/info/warn/error). */
  logger: BufferLogger;
  /** Where the consumer half writes; required when `kafka.consume` is on. */
  writer?: StorageWriter;
  tuning?: Partial<KafkaBufferTuning>;
}

/**
 * Kafka between the receivers and storage. Receivers' submissions become records on one topic
 * per signal (OTLP protobuf, keyed by trace id or metric name) and resolve once Kafka has them
 * on all in-sync replicas; when `kafka.consume` is on, a consumer group member writes them to
 * storage in deterministic batches, so a crash or rebalance never stores anything twice.
 */
export class KafkaPipeline implements Pipeline {
  readonly mode = 'kafka';
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly queue: ProduceQueue;
  private readonly consumer: StorageConsumer | undefined;
  private readonly tuning: KafkaBufferTuning;
  private readonly topics: readonly string[];
  private readonly abortSetup = new AbortController();
  private setup: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private producerConnected = false;
  private adminConnected = false;
  private topicsReady = false;
  private consumerStarted = false;
  /** Why Kafka cannot be used right now, for readiness and refusals. */
  private problem: string | undefined = 'connecting';
  private produceFailing = false;

  constructor(private readonly options: KafkaPipelineOptions) {
    const { kafka: settings } = options.config;
    if (settings.brokers.length === 0) throw new Error('kafka.brokers: the Kafka pipeline needs brokers');
    if (settings.consume && options.writer === undefined) {
      throw new Error('kafka.consume is on, so the Kafka pipeline needs a storage writer');
    }
    this.tuning = resolveTuning(options.config, options.tuning);
    this.topics = [settings.topics.traces, settings.topics.metrics, settings.topics.deadLetter];
    this.kafka = new Kafka({
      clientId: settings.clientId,
      brokers: settings.brokers,
      ...clientTimeouts(settings.requestTimeoutMs),
      logLevel: logLevel.WARN,
      logCreator: kafkaLogCreator(options.logger),
    });
    this.producer = this.kafka.producer({
      // Idempotence: kafkajs's retries never write a record twice, and order holds per partition.
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.admin = this.kafka.admin();
    const compression = settings.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
    this.queue = new ProduceQueue(this.producer, options.metrics, {
      compression,
      ackTimeoutMs: settings.requestTimeoutMs,
      maxRequestBytes: this.tuning.maxRequestBytes,
    });
    if (settings.consume && options.writer !== undefined) {
      this.consumer = new StorageConsumer({
        kafka: this.kafka,
        admin: this.admin,
        producer: this.producer,
        writer: options.writer,
        metrics: options.metrics,
        log: options.logger,
        config: options.config,
        compression,
        tuning: this.tuning,
      });
    }
  }

  /**
   * Connects, creates missing topics and joins the consumer group. Waits at most
   * `startTimeoutMs`: past it, or after a failed attempt, set-up goes on in the background while
   * readiness says why and submissions are refused with UNAVAILABLE.
   */
  async start(): Promise<void> {
    if (this.setup !== undefined || this.stopping !== undefined) return;
    let firstAttempt!: () => void;
    const attempted = new Promise<void>((resolve) => {
      firstAttempt = resolve;
    });
    this.setup = this.setUp(firstAttempt);
    await Promise.race([attempted, sleep(this.tuning.startTimeoutMs)]);
  }

  async submitSpans(spans: readonly Span[]): Promise<void> {
    this.admit();
    if (spans.length === 0) return;
    await this.produce(
      this.options.config.kafka.topics.traces,
      traceRecords(spans, this.tuning.maxRecordBytes),
    );
  }

  async submitPoints(points: readonly MetricPoint[]): Promise<void> {
    this.admit();
    if (points.length === 0) return;
    await this.produce(
      this.options.config.kafka.topics.metrics,
      metricRecords(points, this.tuning.maxRecordBytes),
    );
  }

  async readiness(): Promise<Readiness> {
    const checks: Readiness['checks'] = { kafka: await this.probeKafka() };
    if (this.consumer !== undefined && this.options.writer !== undefined) {
      checks.consumer = this.consumer.status();
      const health = await this.options.writer.adapter.health();
      checks.storage = { ok: health.healthy, detail: health.detail };
      checks.writes = this.options.writer.status();
    }
    if (this.stopping !== undefined) checks.pipeline = { ok: false, detail: 'stopping' };
    return { ready: Object.values(checks).every((check) => check.ok), checks };
  }

  /**
   * Refuses new submissions, lets those accepted get their acknowledgement, lets the consumer
   * finish and commit the batches it is writing, then disconnects; all within `deadlineMs`.
   * A batch still being written at the deadline is given up uncommitted and replayed later.
   */
  stop(deadlineMs: number): Promise<void> {
    this.stopping ??= this.shutdown(Date.now() + deadlineMs);
    return this.stopping;
  }

  private async shutdown(until: number): Promise<void> {
    // Kept for disconnecting, which is polite (the group rebalances at once) but not essential.
    const reserve = Math.min(2_000, Math.floor((until - Date.now()) / 4));
    this.abortSetup.abort();
    await settlesWithin(this.setup, until - reserve - Date.now());
    const produced = settlesWithin(this.queue.idle(), until - reserve - Date.now());
    if (this.consumer !== undefined) {
      if (!(await this.consumer.drain(until - reserve))) {
        this.options.logger.warn({}, 'shutdown deadline: storage batches still being written are given up');
        this.options.writer?.stop();
        await this.consumer.drain(until - reserve / 2);
      }
      await settlesWithin(
        this.consumer.disconnect().catch((error: unknown) => {
          this.options.logger.warn({ err: error }, 'disconnecting the Kafka consumer failed');
        }),
        until - Date.now(),
      );
    }
    if (!(await produced)) {
      this.options.logger.warn(
        { bytes: this.queue.heldBytes },
        'shutdown deadline: records still unacknowledged',
      );
    }
    await settlesWithin(
      Promise.allSettled([
        this.producerConnected ? this.producer.disconnect() : undefined,
        this.adminConnected ? this.admin.disconnect() : undefined,
      ]),
      until - Date.now(),
    );
  }

  private async setUp(attempted: () => void): Promise<void> {
    let backoffMs = 500;
    while (!this.abortSetup.signal.aborted) {
      try {
        await this.setUpOnce();
        attempted();
        return;
      } catch (error) {
        this.problem = errorMessage(error);
        this.options.logger.warn({ err: error, retryInMs: backoffMs }, 'Kafka set-up failed; retrying');
        attempted();
        await sleep(backoffMs, { signal: this.abortSetup.signal });
        backoffMs = Math.min(backoffMs * 2, this.tuning.maxSetupBackoffMs);
      }
    }
  }

  private async setUpOnce(): Promise<void> {
    const { kafka } = this.options.config;
    if (!this.producerConnected) {
      await this.producer.connect();
      this.producerConnected = true;
    }
    if (!this.adminConnected) {
      await this.admin.connect();
      this.adminConnected = true;
    }
    if (!this.topicsReady) {
      await ensureTopics(
        this.admin,
        this.topics,
        {
          partitions: kafka.partitions,
          replicationFactor: kafka.replicationFactor,
          timeoutMs: Math.max(kafka.requestTimeoutMs, 5_000),
        },
        this.options.logger,
      );
      this.topicsReady = true;
      this.problem = undefined;
      this.options.logger.info(
        { brokers: kafka.brokers, topics: this.topics },
        'Kafka is ready for submissions',
      );
    }
    if (this.consumer !== undefined && !this.consumerStarted && !this.abortSetup.signal.aborted) {
      await this.consumer.start();
      this.consumerStarted = true;
    }
  }

  refusal(): PipelineError | undefined {
    const { retryAfterSeconds } = this.options.config.pipeline;
    if (this.stopping !== undefined) {
      return new PipelineError('STOPPED', 'the collector is shutting down', retryAfterSeconds);
    }
    if (!this.topicsReady) {
      return new PipelineError('UNAVAILABLE', `Kafka is not available: ${this.problem}`, retryAfterSeconds);
    }
    const held = this.queue.heldBytes;
    return held >= this.tuning.maxInFlightBytes ? this.saturated(held) : undefined;
  }

  private admit(): void {
    const refusal = this.refusal();
    if (refusal !== undefined) throw refusal;
  }

  private async produce(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    const bytes = records.reduce((sum, record) => sum + record.value.byteLength, 0);
    const held = this.queue.heldBytes;
    // One submission larger than the whole budget still goes through when nothing else waits.
    if (held > 0 && held + bytes > this.tuning.maxInFlightBytes) throw this.saturated(held);
    try {
      await this.queue.send(topic, records, this.options.config.kafka.requestTimeoutMs);
    } catch (error) {
      if (!this.produceFailing) {
        this.produceFailing = true;
        this.options.logger.warn(
          { topic, err: error },
          'Kafka is not acknowledging records; refusing submissions',
        );
      }
      throw new PipelineError(
        'UNAVAILABLE',
        `Kafka did not take the records: ${errorMessage(error)}`,
        this.options.config.pipeline.retryAfterSeconds,
        { cause: error },
      );
    }
    if (this.produceFailing) {
      this.produceFailing = false;
      this.options.logger.info({ topic }, 'Kafka acknowledges records again');
    }
  }

  private saturated(held: number): PipelineError {
    return new PipelineError(
      'SATURATED',
      `too many records waiting for Kafka's acknowledgement (${held} of ${this.tuning.maxInFlightBytes} bytes)`,
      this.options.config.pipeline.retryAfterSeconds,
    );
  }

  private async probeKafka(): Promise<{ ok: boolean; detail: string }> {
    if (!this.topicsReady) return { ok: false, detail: `not available: ${this.problem}` };
    const timeoutMs = Math.min(this.options.config.kafka.requestTimeoutMs, 5_000);
    try {
      const probe = this.admin.fetchTopicMetadata({ topics: [...this.topics] });
      probe.catch(() => {});
      const metadata = await Promise.race([
        probe,
        sleep(timeoutMs).then(() => {
          throw new Error(`no metadata answer within ${timeoutMs} ms`);
        }),
      ]);
      const partitions = metadata.topics.reduce((sum, topic) => sum + topic.partitions.length, 0);
      return {
        ok: true,
        detail: `connected to ${this.options.config.kafka.brokers.join(',')}; ${metadata.topics.length} topics, ${partitions} partitions`,
      };
    } catch (error) {
      return { ok: false, detail: `metadata request failed: ${errorMessage(error)}` };
    }
  }
}
