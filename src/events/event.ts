/** The city event: one JSON object per Kafka message, keyed by city. */
export const EVENT_TYPES = ['traffic', 'weather', 'incident', 'construction'] as const;
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const DEFAULT_CITIES = ['NYC', 'LA', 'Chicago', 'SF', 'Boston', 'Seattle'] as const;

export type EventType = (typeof EVENT_TYPES)[number];
export type Severity = (typeof SEVERITIES)[number];

export interface CityEvent {
  event_id: string;
  event_type: EventType;
  city: string;
  severity: Severity;
  /** Event time, canonical ISO-8601 UTC with milliseconds (`2026-11-22T18:00:00.000Z`), so text order is time order. */
  timestamp: string;
  description: string;
  location?: { lat: number; lon: number };
  source?: string;
}

/**
 * A copy of the event's own fields in a fixed order, leaving out absent optional ones: the canonical
 * message value once serialized, and an item DynamoDB accepts (it stores no undefined).
 */
export function eventFields(event: CityEvent): CityEvent {
  const fields: CityEvent = {
    event_id: event.event_id,
    event_type: event.event_type,
    city: event.city,
    severity: event.severity,
    timestamp: event.timestamp,
    description: event.description,
  };
  if (event.location) fields.location = { lat: event.location.lat, lon: event.location.lon };
  if (event.source !== undefined) fields.source = event.source;
  return fields;
}
