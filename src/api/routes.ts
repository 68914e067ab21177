import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  aggregationRangeProblem,
  aggregations,
  cities,
  citySummary,
  recentAlerts,
  recentEvents,
  stats,
  type ReadContext,
} from '../queries/index.js';
import type { AggregationCursor, AlertCursor, EventCursor } from '../queries/cursor.js';
import { invalidParameter } from './api-error.js';
import { CLICKSTREAM_ROUTES } from './clickstream-routes.js';
import type { SchemaName } from './schemas.js';
import {
  cityParameter,
  eventTypeParameter,
  instantParameter,
  PARAMETERS,
  type ParameterSpec,
} from './parameters.js';

/** One GET endpoint under /api/v1, declared as data: the server and the OpenAPI document both read it. */
export interface RouteSpec {
  /** fastify form, relative to /api/v1: `/events/:city`. */
  path: string;
  operationId: string;
  summary: string;
  parameters: ParameterSpec[];
  /** Name of the response schema in SCHEMAS. */
  response: SchemaName;
  /**
   * Serve the document from a cache for up to this many ms after its read began (rollup-backed
   * documents, whose reads sum many items); the bound is documented in docs/api.md. Absent: identical
   * requests share only a read in flight, so a document is never older than the read it came from.
   */
  cacheMs?: number;
  /** Every request reads on its own, shared with none (health: a probe must see the store now). */
  unshared?: true;
  /** Gets validated values; returns the document to send. */
  handler(read: ReadContext, values: Record<string, unknown>): Promise<unknown>;
}

export const API_PREFIX = '/api/v1';

/** How stale `stats`, `cities` and `summary` may be: they sum the rollup rows of up to ttlDays days. */
export const ROLLUP_CACHE_MS = 1000;

export const ROUTES: RouteSpec[] = [
  {
    path: '/health',
    operationId: 'health',
    summary: 'Is the API up and DynamoDB reachable? (one DescribeTable; 503 when not)',
    parameters: [],
    response: 'Health',
    unshared: true,
    async handler(read) {
      await read.client.send(new DescribeTableCommand({ TableName: read.tables.rawEvents }), {
        abortSignal: read.signal,
      });
      return { status: 'ok' };
    },
  },
  {
    path: '/events/:city',
    operationId: 'recentEvents',
    summary: 'The newest events of a city, newest first (expired events excluded)',
    parameters: [cityParameter('path', 'the city'), PARAMETERS.eventsLimit, PARAMETERS.eventsNext],
    response: 'EventList',
    handler: (read, v) =>
      recentEvents(read, v.city as string, v.limit as number, v.next as EventCursor | undefined),
  },
  {
    path: '/summary/:city',
    operationId: 'citySummary',
    summary: "A city's totals within the TTL: by type, by severity, alerts of the last 24 hours",
    parameters: [cityParameter('path', 'the city')],
    response: 'Summary',
    cacheMs: ROLLUP_CACHE_MS,
    handler: (read, v) => citySummary(read, v.city as string),
  },
  {
    path: '/alerts',
    operationId: 'recentAlerts',
    summary: 'Alerts (high and critical events) of the last hours, newest first',
    parameters: [
      cityParameter('query', 'only this city (all cities when absent)'),
      PARAMETERS.hours,
      PARAMETERS.alertsLimit,
      PARAMETERS.alertsNext,
    ],
    response: 'EventList',
    handler: (read, v) =>
      recentAlerts(read, {
        city: v.city as string | undefined,
        hours: v.hours as number,
        limit: v.limit as number,
        after: v.next as AlertCursor | undefined,
      }),
  },
  {
    path: '/cities',
    operationId: 'cities',
    summary: 'Every city with events within the TTL and its event count, biggest first',
    parameters: [],
    response: 'CityList',
    cacheMs: ROLLUP_CACHE_MS,
    handler: (read) => cities(read),
  },
  {
    path: '/aggregations',
    operationId: 'aggregations',
    summary: '5-minute window aggregates, newest window first',
    parameters: [
      cityParameter('query', 'only this city'),
      eventTypeParameter('event_type'),
      PARAMETERS.aggregationsLimit,
      instantParameter('from', 'only windows starting at or after this time'),
      instantParameter('to', 'only windows starting at or before this time'),
      PARAMETERS.aggregationsNext,
    ],
    response: 'AggregationList',
    handler(read, v) {
      const query = {
        city: v.city as string | undefined,
        type: v.event_type as string | undefined,
        limit: v.limit as number,
        from: v.from as string | undefined,
        to: v.to as string | undefined,
      };
      const bad = aggregationRangeProblem(query, read.now ?? new Date());
      if (bad) throw invalidParameter(bad.parameter, bad.problem);
      return aggregations(read, query, v.next as AggregationCursor | undefined);
    },
  },
  {
    path: '/stats',
    operationId: 'stats',
    summary: 'Totals over all cities within the TTL',
    parameters: [],
    response: 'Stats',
    cacheMs: ROLLUP_CACHE_MS,
    handler: (read) => stats(read),
  },
  ...CLICKSTREAM_ROUTES,
];
