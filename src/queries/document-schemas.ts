import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { EVENT_TYPES, SEVERITIES } from '../events/event.js';

/**
 * The documents the read side returns — to `citystream query --json`, over the REST API, and in the
 * tests' oracles — declared once as JSON Schema (TypeBox), with each TypeScript type derived from its
 * schema. The API serialises its responses with these schemas and publishes them in its OpenAPI document.
 */

const isoTime = () => Type.String({ format: 'date-time' });
const nullableTime = () => Type.Union([isoTime(), Type.Null()]);
/** A count per key: every key of `keys` present (zero when unseen), so documents keep a stable shape. */
const counts = (keys: readonly string[]) =>
  Type.Object(Object.fromEntries(keys.map((k) => [k, Type.Integer()])));
const listOf = <T extends TSchema>(item: T) =>
  Type.Object({
    count: Type.Integer({ description: 'items on this page' }),
    items: Type.Array(item),
    next: Type.Optional(
      Type.String({
        description: 'present when more items follow: pass it as `next` to get the next page',
      }),
    ),
  });

export const EventSchema = Type.Object({
  event_id: Type.String(),
  timestamp: isoTime(),
  city: Type.String(),
  event_type: Type.String({ enum: [...EVENT_TYPES] }),
  severity: Type.String({ enum: [...SEVERITIES] }),
  description: Type.String(),
  location: Type.Optional(Type.Object({ lat: Type.Number(), lon: Type.Number() })),
  source: Type.Optional(Type.String()),
});

export const AggregationSchema = Type.Object({
  city: Type.String(),
  event_type: Type.String({ enum: [...EVENT_TYPES] }),
  window_start: isoTime(),
  window_end: isoTime(),
  event_count: Type.Integer(),
  low: Type.Integer(),
  medium: Type.Integer(),
  high: Type.Integer(),
  critical: Type.Integer(),
  final: Type.Boolean({ description: 'true once the watermark has passed window_end' }),
});

export const EventListSchema = listOf(EventSchema);
export const AggregationListSchema = listOf(AggregationSchema);

export const SummarySchema = Type.Object({
  city: Type.String(),
  total_events: Type.Integer(),
  by_type: counts(EVENT_TYPES),
  by_severity: counts(SEVERITIES),
  alerts_24h: Type.Integer(),
  last_event_at: nullableTime(),
});

export const CitySchema = Type.Object({ city: Type.String(), event_count: Type.Integer() });
export const CityListSchema = Type.Array(CitySchema);

export const StatsSchema = Type.Object({
  total_events: Type.Integer(),
  total_alerts: Type.Integer(),
  by_city: Type.Record(Type.String(), Type.Integer()),
  by_type: counts(EVENT_TYPES),
  by_severity: counts(SEVERITIES),
  first_event_at: nullableTime(),
  last_event_at: nullableTime(),
});

/** An event as the API and `--json` print it (also the shape of an alert). */
export type EventDocument = Static<typeof EventSchema>;
/** An aggregation window as printed; the per-partition `p_*` bookkeeping stays inside the table. */
export type AggregationDocument = Static<typeof AggregationSchema>;
export interface ListDocument<T> {
  count: number;
  items: T[];
  /** The paging token of the next page; absent on the last page. */
  next?: string;
}
export type SummaryDocument = Static<typeof SummarySchema>;
export type CityDocument = Static<typeof CitySchema>;
export type StatsDocument = Static<typeof StatsSchema>;
