import { Counter, Gauge } from 'prom-client';
import type { ProcessorMetrics } from '../metrics.js';

/** The clickstream's own series, on the processor's registry beside the shared pipeline metrics. */
export class ClickstreamMetrics {
  readonly events: Counter<'event_type'>;
  readonly revenue: Counter;
  readonly transactions: Counter;
  readonly retries: Counter;
  readonly lagSeconds: Gauge<'partition'>;

  constructor(readonly base: ProcessorMetrics) {
    const registers = [base.registry];
    this.events = new Counter({
      name: 'citystream_clickstream_events_total',
      help: 'Valid clickstream events written, by event type (the funnel)',
      labelNames: ['event_type'],
      registers,
    });
    this.revenue = new Counter({
      name: 'citystream_clickstream_revenue_total',
      help: 'Revenue of PURCHASE events counted in windows, in the shop currency',
      registers,
    });
    this.transactions = new Counter({
      name: 'citystream_postgres_transactions_total',
      help: 'Batches committed to PostgreSQL (rows and offset in one transaction)',
      registers,
    });
    this.retries = new Counter({
      name: 'citystream_postgres_retries_total',
      help: 'PostgreSQL transactions retried after a deadlock or serialization failure',
      registers,
    });
    const existing = base.registry.getSingleMetric('citystream_consumer_lag_seconds');
    this.lagSeconds =
      (existing as Gauge<'partition'> | undefined) ??
      new Gauge({
        name: 'citystream_consumer_lag_seconds',
        help: 'Age of the newest message processed when the partition is behind (0 when caught up)',
        labelNames: ['partition'],
        registers,
      });
  }
}
