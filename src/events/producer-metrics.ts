import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { serveMetrics } from '../clients/metrics-server.js';
import type { ProduceProgress } from './producer.js';

/** `produce --metrics-port`: the producer's counters on /metrics, served like the processor's. */
export async function serveProducerMetrics(port: number, host = '127.0.0.1') {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const sent = new Counter({
    name: 'citystream_produced_total',
    help: 'Messages acknowledged by the broker',
    registers: [registry],
  });
  const errors = new Counter({
    name: 'citystream_produce_errors_total',
    help: 'Messages not acknowledged',
    registers: [registry],
  });
  const rate = new Gauge({
    name: 'citystream_produce_rate',
    help: 'Messages per second so far',
    registers: [registry],
  });
  const server = await serveMetrics({ registry }, port, host);
  let last = { sent: 0, errors: 0 };
  return {
    url: server.url,
    close: server.close,
    update(p: ProduceProgress) {
      sent.inc(p.sent - last.sent);
      errors.inc(p.errors - last.errors);
      rate.set(p.rate);
      last = { sent: p.sent, errors: p.errors };
    },
  };
}
