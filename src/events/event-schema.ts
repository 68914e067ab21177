import {
  EVENT_TYPES,
  SEVERITIES,
  eventFields,
  type CityEvent,
  type EventType,
  type Severity,
} from './event.js';

/**
 * Parses and validates one Kafka message value into a CityEvent.
 *
 * A rejected message gets a stable reason code: it goes into the dead-letter topic's `reason` header and
 * into metrics, so the codes are part of the contract (docs/events.md lists them). Checks run in a fixed
 * order (size, JSON, then the fields in declaration order) so one message always gets the same reason.
 * Unknown extra fields are ignored and dropped; the accepted event is canonical (timestamp as ISO UTC with
 * milliseconds, fields in a fixed order), so two equal events serialise identically.
 */
export type ParseResult = { ok: true; event: CityEvent } | { ok: false; reason: string };

export interface ParseOptions {
  /** The time to judge "in the future" against (epoch ms); defaults to the wall clock. */
  now?: number;
  /** How far ahead of `now` an event time may be (ms); default 1 hour. */
  maxFutureMs?: number;
  /** Largest accepted message value in bytes; default 64 KiB. */
  maxBytes?: number;
}

export const MAX_EVENT_BYTES = 64 * 1024;
export const MAX_FUTURE_MS = 60 * 60 * 1000;
export const MAX_CITY_LENGTH = 64;
export const MAX_ID_LENGTH = 128;
export const MAX_SOURCE_LENGTH = 256;

/** The reason the processor gives an event that arrived after its window was final. */
export const LATE_REASON = 'late';

/** Why a value is refused: thrown by the validators, turned into a ParseResult's reason. */
export class Rejection {
  constructor(readonly reason: string) {}
}

export function parseEvent(
  value: Buffer | string | null | undefined,
  options: ParseOptions = {},
): ParseResult {
  return parseJsonMessage(value, options.maxBytes ?? MAX_EVENT_BYTES, (parsed) =>
    validateEvent(parsed, options),
  );
}

/**
 * The checks every workload's messages share, before its own validation: present, not over `maxBytes`,
 * not blank, JSON. A Rejection thrown by `validate` becomes the result's reason; anything else is a bug.
 */
export function parseJsonMessage<T>(
  value: Buffer | string | null | undefined,
  maxBytes: number,
  validate: (parsed: unknown) => T,
): { ok: true; event: T } | { ok: false; reason: string } {
  if (value === null || value === undefined) return { ok: false, reason: 'empty_value' };
  const size = typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length;
  if (size > maxBytes) return { ok: false, reason: 'oversize' };
  const text = typeof value === 'string' ? value : value.toString('utf8');
  if (text.trim() === '') return { ok: false, reason: 'empty_value' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'invalid_json' };
  }
  try {
    return { ok: true, event: validate(parsed) };
  } catch (err) {
    if (err instanceof Rejection) return { ok: false, reason: err.reason };
    throw err;
  }
}

/** Validates an already-decoded object (the same rules as parseEvent, minus size and JSON). */
export function validateEvent(input: unknown, options: ParseOptions = {}): CityEvent {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new Rejection('not_an_object');
  const o = input as Record<string, unknown>;
  const eventId = requiredString(o, 'event_id');
  if (eventId.length === 0 || eventId.length > MAX_ID_LENGTH || hasControlChars(eventId))
    throw new Rejection('bad_value:event_id');
  const eventType = requiredString(o, 'event_type');
  if (!(EVENT_TYPES as readonly string[]).includes(eventType)) throw new Rejection('unknown_event_type');
  const city = requiredString(o, 'city');
  if (!isSaneCity(city)) throw new Rejection('bad_value:city');
  const severity = requiredString(o, 'severity');
  if (!(SEVERITIES as readonly string[]).includes(severity)) throw new Rejection('unknown_severity');
  const rawTimestamp = requiredString(o, 'timestamp');
  // Producers (ours included) send the canonical form: then it is its own canonical text.
  const canonical = canonicalTime(rawTimestamp);
  const time = canonical ?? parseTimestamp(rawTimestamp);
  if (time === undefined) throw new Rejection('bad_timestamp');
  const now = options.now ?? Date.now();
  if (time > now + (options.maxFutureMs ?? MAX_FUTURE_MS)) throw new Rejection('timestamp_in_future');
  const description = requiredString(o, 'description');

  const event: CityEvent = {
    event_id: eventId,
    event_type: eventType as EventType,
    city,
    severity: severity as Severity,
    timestamp: canonical === undefined ? new Date(time).toISOString() : rawTimestamp,
    description,
  };
  if (o.location !== undefined && o.location !== null) event.location = parseLocation(o.location);
  if (o.source !== undefined && o.source !== null) {
    if (typeof o.source !== 'string') throw new Rejection('bad_type:source');
    if (o.source.length > MAX_SOURCE_LENGTH) throw new Rejection('bad_value:source');
    event.source = o.source;
  }
  return event;
}

function requiredString(o: Record<string, unknown>, field: string): string {
  const v = o[field];
  if (v === undefined || v === null) throw new Rejection(`missing_field:${field}`);
  if (typeof v !== 'string') throw new Rejection(`bad_type:${field}`);
  return v;
}

/** Cities become key parts (`<city>#<type>`, `<city>#<shard>`), so `#` and control characters are refused. */
function isSaneCity(city: string): boolean {
  return (
    city.length > 0 &&
    city.length <= MAX_CITY_LENGTH &&
    city.trim() === city &&
    !city.includes('#') &&
    !hasControlChars(city)
  );
}

function hasControlChars(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(s);
}

function parseLocation(v: unknown): { lat: number; lon: number } {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Rejection('bad_location');
  const { lat, lon } = v as Record<string, unknown>;
  if (typeof lat !== 'number' || typeof lon !== 'number') throw new Rejection('bad_location');
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180)
    throw new Rejection('bad_location');
  return { lat, lon };
}

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parses an ISO-8601 date-time to epoch ms, or undefined. A time without an offset is taken as UTC (the
 * seed's Java producer wrote LocalDateTime strings); digits beyond milliseconds are truncated. Calendar
 * fields are checked, so `2026-02-30T…` is refused rather than rolled over to March.
 */
export function parseTimestamp(text: string): number | undefined {
  const canonical = canonicalTime(text);
  if (canonical !== undefined) return canonical;
  const m = ISO_PATTERN.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const local = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const check = new Date(local);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day)
    return undefined;
  const zone = m[8];
  let offsetMinutes = 0;
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    const hours = Number(digits.slice(1, 3));
    const minutes = Number(digits.slice(3, 5));
    if (hours > 23 || minutes > 59) return undefined;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
  }
  const time = local - offsetMinutes * 60_000;
  return Number.isFinite(time) && Math.abs(time) <= 8.64e15 ? time : undefined;
}

/**
 * The epoch ms of a timestamp already in canonical form (`YYYY-MM-DDTHH:MM:SS.sssZ`, a year from 1000,
 * a real calendar date), else undefined: the general parser then decides. Nearly every message's
 * timestamp takes this path, which reads the digits in place instead of a regex match, an array of
 * fields and a Date to check the calendar; for these texts both give the same time, and the text is
 * what `toISOString` would print for it.
 */
export function canonicalTime(text: string): number | undefined {
  if (text.length !== 24 || !hasCanonicalSeparators(text)) return undefined;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  const ms = digitsAt(text, 20, 3);
  // A non-digit reads as -1, so one lower bound per field refuses it too.
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0)
    return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/** `YYYY-MM-DDTHH:MM:SS.sssZ`: the separators, by position. */
function hasCanonicalSeparators(text: string): boolean {
  return (
    text[4] === '-' &&
    text[7] === '-' &&
    text[10] === 'T' &&
    text[13] === ':' &&
    text[16] === ':' &&
    text[19] === '.' &&
    text[23] === 'Z'
  );
}

/** The decimal number of `length` ASCII digits from `start`, or -1 when any is not a digit. */
function digitsAt(text: string, start: number, length: number): number {
  let n = 0;
  for (let i = start; i < start + length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days of a month (1–12) in the proleptic Gregorian calendar, as Date counts them. */
function daysInMonth(year: number, month: number): number {
  if (month !== 2) return DAYS_IN_MONTH[month - 1]!;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/** The canonical message value of an event: fields in a fixed order, optional ones only when present. */
export function serializeEvent(event: CityEvent): string {
  return JSON.stringify(eventFields(event));
}
