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
        enum: ['invalid_parameter', 'bad_request', 'not_found', 'service_unavailable', 'internal_error'],
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
