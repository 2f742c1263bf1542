import type { CompressionTypes, Message, Producer, TopicMessages } from 'kafkajs';
import type { CollectorMetrics } from '../telemetry/metrics.js';
import type { OutgoingRecord } from './encode-records.js';

export interface ProduceQueueOptions {
  compression: CompressionTypes;
  /** How long the broker may wait for all in-sync replicas before it answers. */
  ackTimeoutMs: number;
  maxRequestBytes: number;
}

/** Kafka did not acknowledge a submission in time; it may still be written later. */
export class ProduceTimeoutError extends Error {
  override readonly name = 'ProduceTimeoutError';
}

interface Submission {
  remaining: number;
  settled: boolean;
  resolve: () => void;
  reject: (error: unknown) => void;
  timer?: NodeJS.Timeout;
}

interface Entry {
  readonly topic: string;
  readonly messages: Message[];
  readonly bytes: number;
  readonly submission: Submission;
}

/**
 * Sends submissions to Kafka, many per produce request: while one request waits for its
 * acknowledgement, the submissions that arrive meanwhile queue up and leave together in the next.
 * The idempotent producer allows one request in flight per broker anyway, so sharing requests is
 * what keeps many small submissions fast, and a single sender keeps each key's records in order.
 */
export class ProduceQueue {
  private readonly queue: Entry[] = [];
  private sending = false;
  private held = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly producer: Producer,
    private readonly metrics: CollectorMetrics,
    private readonly options: ProduceQueueOptions,
  ) {}

  /** Record bytes queued or waiting for Kafka's acknowledgement. */
  get heldBytes(): number {
    return this.held;
  }

  /**
   * Resolves once Kafka acknowledged every record; rejects with the first error, or with a
   * `ProduceTimeoutError` after `timeoutMs` (records not yet sent by then are never sent).
   */
  send(topic: string, records: readonly OutgoingRecord[], timeoutMs: number): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const submission: Submission = { remaining: 0, settled: false, resolve, reject };
      const entries = this.entriesOf(topic, records, submission);
      submission.remaining = entries.length;
      submission.timer = setTimeout(
        () =>
          settle(
            submission,
            new ProduceTimeoutError(`Kafka did not acknowledge the records within ${timeoutMs} ms`),
          ),
        timeoutMs,
      );
      for (const entry of entries) {
        this.queue.push(entry);
        this.held += entry.bytes;
      }
      this.pump();
    });
  }

  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private entriesOf(topic: string, records: readonly OutgoingRecord[], submission: Submission): Entry[] {
    const entries: Entry[] = [];
    let messages: Message[] = [];
    let bytes = 0;
    for (const record of records) {
      const size = record.value.byteLength + Buffer.byteLength(record.key);
      if (messages.length > 0 && bytes + size > this.options.maxRequestBytes) {
        entries.push({ topic, messages, bytes, submission });
        messages = [];
        bytes = 0;
      }
      messages.push({ key: record.key, value: record.value });
      bytes += size;
    }
    entries.push({ topic, messages, bytes, submission });
    return entries;
  }

  private pump(): void {
    if (this.sending) return;
    this.sending = true;
    void (async () => {
      try {
        while (this.queue.length > 0) {
          const request = this.nextRequest();
          if (request.length > 0) await this.sendRequest(request);
        }
      } finally {
        this.sending = false;
        if (this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
      }
    })();
  }

  /** Queued entries up to the request size; entries of submissions already settled are dropped. */
  private nextRequest(): Entry[] {
    const request: Entry[] = [];
    let bytes = 0;
    while (this.queue.length > 0) {
      const entry = this.queue[0] as Entry;
      if (entry.submission.settled) {
        this.queue.shift();
        this.held -= entry.bytes;
        continue;
      }
      if (request.length > 0 && bytes + entry.bytes > this.options.maxRequestBytes) break;
      this.queue.shift();
      request.push(entry);
      bytes += entry.bytes;
    }
    return request;
  }

  private async sendRequest(request: readonly Entry[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const entry of request) {
      const messages = byTopic.get(entry.topic);
      if (messages === undefined) byTopic.set(entry.topic, [...entry.messages]);
      else messages.push(...entry.messages);
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    const started = performance.now();
    try {
      await this.producer.sendBatch({
        topicMessages,
        acks: -1,
        timeout: this.options.ackTimeoutMs,
        compression: this.options.compression,
      });
      const seconds = (performance.now() - started) / 1000;
      for (const topic of byTopic.keys()) this.metrics.produceDuration.observe({ topic }, seconds);
      for (const entry of request) {
        entry.submission.remaining -= 1;
        if (entry.submission.remaining === 0) settle(entry.submission);
      }
    } catch (error) {
      for (const topic of byTopic.keys()) this.metrics.produceErrors.inc({ topic });
      for (const entry of request) settle(entry.submission, error);
    } finally {
      for (const entry of request) this.held -= entry.bytes;
    }
  }

  private isIdle(): boolean {
    return !this.sending && this.queue.length === 0;
  }
}

function settle(submission: Submission, error?: unknown): void {
  if (submission.settled) return;
  submission.settled = true;
  clearTimeout(submission.timer);
  if (error === undefined) submission.resolve();
  else submission.reject(error);
}
