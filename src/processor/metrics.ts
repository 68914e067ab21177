import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The processor's Prometheus metrics, on a registry of its own (never prom-client's global one), so
 * several processors in one test process do not collide.
 */
export class ProcessorMetrics {
  readonly registry = new Registry();
  readonly eventsIn = new Counter({
    name: 'citystream_events_in_total',
    help: 'Messages consumed from the events topic',
    registers: [this.registry],
  });
  readonly written = new Counter({
    name: 'citystream_events_written_total',
    help: 'Valid events written to the raw events table',
    registers: [this.registry],
  });
  readonly late = new Counter({
    name: 'citystream_events_late_total',
    help: 'Events whose window was already final (dropped from aggregates, sent to the DLQ)',
    registers: [this.registry],
  });
  readonly invalid = new Counter({
    name: 'citystream_events_invalid_total',
    help: 'Malformed messages, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly dlq = new Counter({
    name: 'citystream_dlq_total',
    help: 'Records produced to the dead-letter topic',
    registers: [this.registry],
  });
  readonly replayed = new Counter({
    name: 'citystream_events_replayed_total',
    help: 'Events skipped because the stored contributions already included them (replay after restart)',
    registers: [this.registry],
  });
  readonly duplicates = new Counter({
    name: 'citystream_duplicates_total',
    help: 'Copies of an already counted event_id from another delivery, dropped; kind identical or conflicting',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  readonly batchSeconds = new Histogram({
    name: 'citystream_batch_duration_seconds',
    help: 'Time from receiving a batch to committing its offsets',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly lag = new Gauge({
    name: 'citystream_consumer_lag',
    help: 'Messages between the last processed offset and the log end, per partition',
    labelNames: ['partition'],
    registers: [this.registry],
  });
  readonly dynamoRetries = new Counter({
    name: 'citystream_dynamodb_retries_total',
    help: 'DynamoDB requests retried (unprocessed items, throttling, conflicts)',
    registers: [this.registry],
  });
  readonly openWindows = new Gauge({
    name: 'citystream_open_windows',
    help: 'Windows held in memory (not yet final)',
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Total lag over partitions. */
  async totalLag(): Promise<number> {
    const values = (await this.lag.get()).values;
    return values.reduce((sum, v) => sum + v.value, 0);
  }
}
