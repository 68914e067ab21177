import { EVENT_TYPES, SEVERITIES } from '../events/event.js';

/** JSON Schemas of the documents the API returns; the OpenAPI document's `components.schemas`. */
type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const isoTime = { type: 'string', format: 'date-time' };
const nullableTime = { type: 'string', format: 'date-time', nullable: true };
const counts = (keys: readonly string[]): Schema => ({
  type: 'object',
  properties: Object.fromEntries(keys.map((k) => [k, { type: 'integer' }])),
  required: [...keys],
});

export const SCHEMAS: Record<string, Schema> = {
  Event: {
    type: 'object',
    required: ['event_id', 'timestamp', 'city', 'event_type', 'severity', 'description'],
    properties: {
      event_id: { type: 'string' },
      timestamp: isoTime,
      city: { type: 'string' },
      event_type: { type: 'string', enum: [...EVENT_TYPES] },
      severity: { type: 'string', enum: [...SEVERITIES] },
      description: { type: 'string' },
      location: {
        type: 'object',
        properties: { lat: { type: 'number' }, lon: { type: 'number' } },
        required: ['lat', 'lon'],
      },
      source: { type: 'string' },
    },
  },
  Aggregation: {
    type: 'object',
    required: ['city', 'event_type', 'window_start', 'window_end', 'event_count', ...SEVERITIES, 'final'],
    properties: {
      city: { type: 'string' },
      event_type: { type: 'string', enum: [...EVENT_TYPES] },
      window_start: isoTime,
      window_end: isoTime,
      event_count: { type: 'integer' },
      ...Object.fromEntries(SEVERITIES.map((s) => [s, { type: 'integer' }])),
      final: { type: 'boolean', description: 'true once the watermark has passed window_end' },
    },
  },
  EventList: list('Event'),
  AggregationList: list('Aggregation'),
  Summary: {
    type: 'object',
    required: ['city', 'total_events', 'by_type', 'by_severity', 'alerts_24h', 'last_event_at'],
    properties: {
      city: { type: 'string' },
      total_events: { type: 'integer' },
      by_type: counts(EVENT_TYPES),
      by_severity: counts(SEVERITIES),
      alerts_24h: { type: 'integer' },
      last_event_at: nullableTime,
    },
  },
  CityList: {
    type: 'array',
    items: {
      type: 'object',
      required: ['city', 'event_count'],
      properties: { city: { type: 'string' }, event_count: { type: 'integer' } },
    },
  },
  Stats: {
    type: 'object',
    required: [
      'total_events',
      'total_alerts',
      'by_city',
      'by_type',
      'by_severity',
      'first_event_at',
      'last_event_at',
    ],
    properties: {
      total_events: { type: 'integer' },
      total_alerts: { type: 'integer' },
      by_city: { type: 'object', additionalProperties: { type: 'integer' } },
      by_type: counts(EVENT_TYPES),
      by_severity: counts(SEVERITIES),
      first_event_at: nullableTime,
      last_event_at: nullableTime,
    },
  },
  Rates: {
    type: 'object',
    required: ['at', 'events_in_per_s', 'written_per_s', 'late_per_s', 'dead_letters_per_s', 'lag', 'totals'],
    properties: {
      at: isoTime,
      events_in_per_s: { type: 'number' },
      written_per_s: { type: 'number', description: 'valid events written to the raw events table' },
      late_per_s: { type: 'number' },
      dead_letters_per_s: { type: 'number' },
      invalid_per_s: { type: 'number' },
      lag: {
        type: 'object',
        description: 'consumer lag by partition',
        additionalProperties: { type: 'integer' },
      },
      totals: { type: 'object', additionalProperties: { type: 'integer' } },
    },
  },
  RatesList: list('Rates'),
  WindowChange: {
    type: 'object',
    description: "one partition's contribution to a window after a write (the table's item sums partitions)",
    required: ['city', 'event_type', 'window_start', 'window_end', 'partition', 'event_count', 'final'],
    properties: {
      city: { type: 'string' },
      event_type: { type: 'string', enum: [...EVENT_TYPES] },
      window_start: isoTime,
      window_end: isoTime,
      partition: {
        type: 'integer',
        nullable: true,
        description: 'null: the whole window, read from the table',
      },
      event_count: { type: 'integer' },
      ...Object.fromEntries(SEVERITIES.map((s) => [s, { type: 'integer' }])),
      final: { type: 'boolean' },
    },
  },
  DeadLetter: {
    type: 'object',
    required: ['at', 'reason', 'source_topic', 'source_partition', 'source_offset', 'key', 'value'],
    properties: {
      at: isoTime,
      reason: { type: 'string' },
      source_topic: { type: 'string' },
      source_partition: { type: 'integer' },
      source_offset: { type: 'integer' },
      key: { type: 'string', nullable: true },
      value: { type: 'string', nullable: true, description: 'the raw message value, as received' },
      window: { type: 'string', description: 'late events: the window that was already final' },
    },
  },
  DeadLetterList: {
    type: 'object',
    required: ['count', 'source', 'items'],
    properties: {
      count: { type: 'integer' },
      source: {
        type: 'string',
        enum: ['processor', 'tables', 'none'],
        description: 'processor: fed in-process (`up`); otherwise no dead letters can be shown',
      },
      items: { type: 'array', items: ref('DeadLetter') },
    },
  },
  ServiceList: {
    type: 'object',
    required: ['count', 'items'],
    properties: {
      count: { type: 'integer' },
      items: {
        type: 'array',
        items: {
          type: 'object',
          required: ['name', 'status', 'detail'],
          properties: {
            name: { type: 'string' },
            status: { type: 'string', enum: ['ok', 'down', 'unknown'] },
            detail: { type: 'string' },
          },
        },
      },
    },
  },
  Health: {
    type: 'object',
    required: ['status'],
    properties: { status: { type: 'string', enum: ['ok'] } },
  },
  Error: {
    type: 'object',
    required: ['error', 'message'],
    properties: {
      error: {
        type: 'string',
        enum: [
          'invalid_parameter',
          'bad_request',
          'unauthorized',
          'not_found',
          'service_unavailable',
          'internal_error',
        ],
      },
      parameter: { type: 'string', description: 'the offending parameter (400 only)' },
      message: { type: 'string' },
    },
  },
};

function list(item: string): Schema {
  return {
    type: 'object',
    required: ['count', 'items'],
    properties: { count: { type: 'integer' }, items: { type: 'array', items: ref(item) } },
  };
}

export { ref as schemaRef };
