import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** The API's request metrics (named for the dashboards in templates/grafana/dashboards/api.json). */
export function apiMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: 'citystream_api_requests_total',
      help: 'HTTP requests answered, by route, method and status',
      labelNames: ['route', 'method', 'status'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'citystream_api_request_duration_seconds',
      help: 'Time to answer a request, by route',
      labelNames: ['route'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    }),
    sharedReads: new Counter({
      name: 'citystream_api_shared_reads_total',
      help: 'Requests answered by a read that another request started (in flight, or within the route freshness bound), by route',
      labelNames: ['route'],
      registers: [registry],
    }),
  };
}
