import {
  DEFAULT_CITIES,
  EVENT_TYPES,
  SEVERITIES,
  type CityEvent,
  type EventType,
  type Severity,
} from './event.js';
import { serializeEvent } from './event-schema.js';
import { isEnvelopeKind, malformedEnvelope, type EnvelopeKind, type MalformedMessage } from './malformed.js';
import { Prng } from './prng.js';

/**
 * The synthetic event stream of `citystream produce`: the seed's cities, types and severities, drawn from
 * a seeded PRNG so the same seed and options give the same messages (ids included). Event times come from
 * `clock`, which defaults to the wall clock; a test passes `steppedClock(start, step)` for a fully
 * deterministic stream.
 *
 * Two kinds of trouble can be mixed in: `delayed` events, whose time lags the clock by up to
 * `maxLatenessMs` (out of order; those lagging more than window + watermark are late for the processor),
 * and `invalid` messages of several kinds, each with the reason event-schema gives it.
 */
export type SeverityMix = 'uniform' | 'realistic';
export type MessageKind = 'valid' | 'delayed' | 'invalid';

export const INVALID_KINDS = [
  'truncated_json',
  'not_json',
  'not_an_object',
  'missing_field',
  'bad_type',
  'unknown_event_type',
  'unknown_severity',
  'bad_timestamp',
  'timestamp_in_future',
  'oversize',
  'bad_location',
] as const;
export type InvalidKind = (typeof INVALID_KINDS)[number];

export interface GeneratorOptions {
  seed?: number | string;
  cities?: readonly string[];
  types?: readonly EventType[];
  severities?: readonly Severity[];
  severityMix?: SeverityMix;
  /** Fraction of messages whose event time lags the clock (0..1). */
  lateFraction?: number;
  /** The largest lag of a delayed event, ms (default 20 minutes). */
  maxLatenessMs?: number;
  /** Fraction of messages that are malformed (0..1). */
  invalidFraction?: number;
  /** Which malformations to draw from (default all). */
  invalidKinds?: readonly InvalidKind[];
  /** Event time of the next event, epoch ms (default Date.now). */
  clock?: () => number;
}

export interface GeneratedMessage {
  /** The Kafka key: the city. */
  key: string;
  /** The Kafka message value, exactly as sent. */
  value: string;
  kind: MessageKind;
  /** The event behind the message (for an invalid one, the event it was corrupted from). */
  event: CityEvent;
  /** For an invalid message: the reason event-schema gives it (with a present-day `now`). */
  expectedReason?: string;
  invalidKind?: InvalidKind;
}

/** Realistic mix: most events are minor. Order follows SEVERITIES. */
const REALISTIC_WEIGHTS: Record<Severity, number> = { low: 0.5, medium: 0.3, high: 0.15, critical: 0.05 };

const CITY_CENTRES: Record<string, [number, number]> = {
  NYC: [40.7128, -74.006],
  LA: [34.0522, -118.2437],
  Chicago: [41.8781, -87.6298],
  SF: [37.7749, -122.4194],
  Boston: [42.3601, -71.0589],
  Seattle: [47.6062, -122.3321],
};

const DESCRIPTIONS: Record<EventType, readonly string[]> = {
  traffic: [
    'Heavy congestion',
    'Multi-vehicle collision',
    'Lane closure',
    'Signal outage',
    'Stalled vehicle',
  ],
  weather: ['Heavy rain', 'Strong winds', 'Snowfall', 'Dense fog', 'Heat advisory'],
  incident: ['Power outage', 'Water main break', 'Fire reported', 'Gas leak', 'Police activity'],
  construction: [
    'Road resurfacing',
    'Utility work',
    'Bridge maintenance',
    'Sidewalk repair',
    'Crane operation',
  ],
};
const STREETS = ['Main St', '5th Ave', 'Market St', 'Broadway', 'Elm St', 'Harbor Blvd', 'Lake Shore Dr'];

export const DEFAULT_MAX_LATENESS_MS = 20 * 60_000;
const OVERSIZE_BYTES = 70 * 1024;
const REQUIRED_FIELDS = ['event_id', 'event_type', 'city', 'severity', 'timestamp', 'description'] as const;

export class EventGenerator {
  readonly seed: number | string;
  private readonly rng: Prng;
  private readonly cities: readonly string[];
  private readonly types: readonly EventType[];
  private readonly severities: readonly Severity[];
  private readonly weights: readonly number[];
  private readonly lateFraction: number;
  private readonly maxLatenessMs: number;
  private readonly invalidFraction: number;
  private readonly invalidKinds: readonly InvalidKind[];
  private readonly clock: () => number;

  constructor(options: GeneratorOptions = {}) {
    this.seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
    this.rng = new Prng(this.seed);
    this.cities = nonEmpty(options.cities ?? DEFAULT_CITIES, 'cities');
    this.types = nonEmpty(options.types ?? EVENT_TYPES, 'types');
    this.severities = nonEmpty(options.severities ?? SEVERITIES, 'severities');
    const mix = options.severityMix ?? 'uniform';
    this.weights = this.severities.map((s) => (mix === 'realistic' ? REALISTIC_WEIGHTS[s] : 1));
    this.lateFraction = fraction(options.lateFraction ?? 0, 'lateFraction');
    this.invalidFraction = fraction(options.invalidFraction ?? 0, 'invalidFraction');
    if (this.lateFraction + this.invalidFraction > 1)
      throw new RangeError('lateFraction + invalidFraction must not exceed 1');
    this.maxLatenessMs = options.maxLatenessMs ?? DEFAULT_MAX_LATENESS_MS;
    this.invalidKinds = nonEmpty(options.invalidKinds ?? INVALID_KINDS, 'invalidKinds');
    this.clock = options.clock ?? Date.now;
  }

  next(): GeneratedMessage {
    const event = this.nextEvent(this.clock());
    // One draw decides the kind, so the stream's shape does not depend on the clock.
    const r = this.rng.next();
    if (r < this.invalidFraction) return this.corrupt(event);
    if (r < this.invalidFraction + this.lateFraction) {
      const lag = Math.max(1, Math.round(this.rng.next() * this.maxLatenessMs));
      const delayed = { ...event, timestamp: new Date(Date.parse(event.timestamp) - lag).toISOString() };
      return { key: delayed.city, value: serializeEvent(delayed), kind: 'delayed', event: delayed };
    }
    return { key: event.city, value: serializeEvent(event), kind: 'valid', event };
  }

  /** The next `n` messages. */
  take(n: number): GeneratedMessage[] {
    return Array.from({ length: n }, () => this.next());
  }

  private nextEvent(time: number): CityEvent {
    const rng = this.rng;
    const eventType = rng.pick(this.types);
    const city = rng.pick(this.cities);
    const severity = rng.weighted(this.severities, this.weights);
    const [lat, lon] = CITY_CENTRES[city] ?? [rng.between(-60, 60), rng.between(-170, 170)];
    return {
      event_id: rng.uuid(),
      event_type: eventType,
      city,
      severity,
      timestamp: new Date(time).toISOString(),
      description: `${rng.pick(DESCRIPTIONS[eventType])} near ${rng.pick(STREETS)}`,
      location: { lat: round5(lat + rng.between(-0.1, 0.1)), lon: round5(lon + rng.between(-0.1, 0.1)) },
      source: 'citystream-generator',
    };
  }

  private corrupt(event: CityEvent): GeneratedMessage {
    const kind = this.rng.pick(this.invalidKinds);
    const text = serializeEvent(event);
    const { value, reason } = isEnvelopeKind(kind)
      ? malformedEnvelope(
          kind,
          {
            text,
            timestamp: event.timestamp,
            required: REQUIRED_FIELDS,
            notJson: `city=${event.city};type=${event.event_type};severity=${event.severity}`,
            badTimestamps: ['yesterday', '2026-13-45T00:00:00Z', ''],
          },
          this.rng,
        )
      : this.malformedField(kind, JSON.parse(text) as Record<string, unknown>);
    return { key: event.city, value, kind: 'invalid', event, expectedReason: reason, invalidKind: kind };
  }

  /** The malformed cases of the city schema's own fields. */
  private malformedField(
    kind: Exclude<InvalidKind, EnvelopeKind>,
    fields: Record<string, unknown>,
  ): MalformedMessage {
    switch (kind) {
      case 'bad_type':
        return {
          value: JSON.stringify({ ...fields, severity: 1 + this.rng.int(4) }),
          reason: 'bad_type:severity',
        };
      case 'unknown_event_type':
        return {
          value: JSON.stringify({
            ...fields,
            event_type: this.rng.pick(['parade', 'TRAFFIC', 'earthquake']),
          }),
          reason: 'unknown_event_type',
        };
      case 'unknown_severity':
        return {
          value: JSON.stringify({ ...fields, severity: this.rng.pick(['extreme', 'HIGH', 'minor']) }),
          reason: 'unknown_severity',
        };
      case 'oversize':
        return {
          value: JSON.stringify({ ...fields, description: 'x'.repeat(OVERSIZE_BYTES) }),
          reason: 'oversize',
        };
      case 'bad_location':
        return {
          value: JSON.stringify({ ...fields, location: { lat: 91 + this.rng.int(90), lon: 0 } }),
          reason: 'bad_location',
        };
    }
  }
}

/** A clock that returns start, start + step, start + 2·step, … — for reproducible event times. */
export function steppedClock(startMs: number, stepMs: number): () => number {
  let i = 0;
  return () => startMs + stepMs * i++;
}

function nonEmpty<T>(items: readonly T[], name: string): readonly T[] {
  if (items.length === 0) throw new RangeError(`${name} must not be empty`);
  return [...items];
}

function fraction(v: number, name: string): number {
  if (!(v >= 0 && v <= 1)) throw new RangeError(`${name} must be between 0 and 1, got ${v}`);
  return v;
}

function round5(x: number): number {
  return Math.round(x * 1e5) / 1e5;
}
