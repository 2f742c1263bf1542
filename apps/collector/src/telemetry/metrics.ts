import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export type SignalName = 'traces' | 'metrics';
export type ReceiverName = 'otlp' | 'prometheus' | 'firehose';

/** Every metric the collector exposes about itself on GET /metrics, in one registry. */
export class CollectorMetrics {
  readonly registry = new Registry();

  /** Items (spans, data points) that arrived, by signal and receiver. */
  readonly received = new Counter({
    name: 'firefly_receiver_items_received_total',
    help: 'Spans and data points that arrived at a receiver.',
    labelNames: ['signal', 'receiver'] as const,
    registers: [this.registry],
  });
  readonly accepted = new Counter({
    name: 'firefly_receiver_items_accepted_total',
    help: 'Spans and data points handed to the pipeline and acknowledged by it.',
    labelNames: ['signal', 'receiver'] as const,
    registers: [this.registry],
  });
  readonly rejected = new Counter({
    name: 'firefly_receiver_items_rejected_total',
    help: 'Spans and data points refused, by reason (invalid, unauthorized, saturated, unavailable, too_large).',
    labelNames: ['signal', 'receiver', 'reason'] as const,
    registers: [this.registry],
  });
  readonly requests = new Counter({
    name: 'firefly_receiver_requests_total',
    help: 'Requests answered by receivers, by HTTP status.',
    labelNames: ['receiver', 'status'] as const,
    registers: [this.registry],
  });

  readonly produceDuration = new Histogram({
    name: 'firefly_kafka_produce_duration_seconds',
    help: 'Time from send to acknowledgement by Kafka, per request.',
    labelNames: ['topic'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly produceErrors = new Counter({
    name: 'firefly_kafka_produce_errors_total',
    help: 'Produce requests Kafka did not acknowledge.',
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });
  readonly consumerLag = new Gauge({
    name: 'firefly_kafka_consumer_lag',
    help: 'Messages between the last committed offset and the end of the partition.',
    labelNames: ['topic', 'partition'] as const,
    registers: [this.registry],
  });
  readonly deadLettered = new Counter({
    name: 'firefly_kafka_dead_lettered_total',
    help: 'Kafka records moved to the dead-letter topic, by reason (undecodable, permanent_storage_error).',
    labelNames: ['topic', 'reason'] as const,
    registers: [this.registry],
  });

  readonly queueItems = new Gauge({
    name: 'firefly_direct_queue_items',
    help: 'Spans and points waiting in the direct-mode queue.',
    labelNames: ['signal'] as const,
    registers: [this.registry],
  });
  readonly batchSize = new Histogram({
    name: 'firefly_storage_batch_items',
    help: 'Items per storage batch.',
    labelNames: ['signal'] as const,
    buckets: [1, 10, 50, 100, 500, 1_000, 2_500, 5_000, 10_000, 50_000],
    registers: [this.registry],
  });
  readonly insertDuration = new Histogram({
    name: 'firefly_storage_insert_duration_seconds',
    help: 'Time to write one batch to storage, retries included, by outcome.',
    labelNames: ['signal', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly storageErrors = new Counter({
    name: 'firefly_storage_errors_total',
    help: 'Storage write attempts that failed, by error code and whether the writer retries them.',
    labelNames: ['signal', 'code', 'retried'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'firefly_' });
  }
}
