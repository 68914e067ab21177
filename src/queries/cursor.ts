import { EVENT_TYPES } from '../events/event.js';
import { cityProblem, parseInstant } from './parameters.js';

/**
 * Paging tokens (`next`): where the previous page stopped, as the sort-key values of its last item,
 * JSON-encoded and base64url'd so clients treat them as opaque. A page is the items that follow that
 * item in the list's order, so a token stays valid however long it is kept, and paging through a list
 * returns each item exactly once (items written meanwhile at the front are not seen; that is the head of
 * the list, read again without `next`). Tokens are validated on the way in: a bad one is the caller's
 * mistake (400 / exit 2), never a DynamoDB error.
 */

/** After this event: newest first by timestamp, then event_id (descending). */
export interface EventCursor {
  timestamp: string;
  event_id: string;
}

/** After this alert: by alert key `<timestamp>#<event_id>` descending; city locates it in the tables. */
export interface AlertCursor {
  city: string;
  alert_key: string;
}

/** After this window: newest window_start first, then city, then event type. */
export interface AggregationCursor {
  window_start: string;
  city: string;
  event_type: string;
}

const MAX_TOKEN = 512;

export function encodeCursor(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

export const eventCursor = (e: EventCursor) => encodeCursor([e.timestamp, e.event_id]);
export const alertCursor = (a: { city: string; timestamp: string; event_id: string }) =>
  encodeCursor([a.city, `${a.timestamp}#${a.event_id}`]);
export const aggregationCursor = (w: AggregationCursor) =>
  encodeCursor([w.window_start, w.city, w.event_type]);

type Parsed<T> = { value: T } | { problem: string };

export function parseEventCursor(token: string): Parsed<EventCursor> {
  const parts = decode(token, 2);
  if (!parts) return bad();
  const [timestamp, event_id] = parts as [string, string];
  if (!isInstant(timestamp) || !isId(event_id)) return bad();
  return { value: { timestamp, event_id } };
}

export function parseAlertCursor(token: string): Parsed<AlertCursor> {
  const parts = decode(token, 2);
  if (!parts) return bad();
  const [city, alert_key] = parts as [string, string];
  const at = alert_key.indexOf('#');
  if (cityProblem(city) || at < 0 || !isInstant(alert_key.slice(0, at)) || !isId(alert_key.slice(at + 1)))
    return bad();
  return { value: { city, alert_key } };
}

export function parseAggregationCursor(token: string): Parsed<AggregationCursor> {
  const parts = decode(token, 3);
  if (!parts) return bad();
  const [window_start, city, event_type] = parts as [string, string, string];
  if (
    !isInstant(window_start) ||
    cityProblem(city) ||
    !(EVENT_TYPES as readonly string[]).includes(event_type)
  )
    return bad();
  return { value: { window_start, city, event_type } };
}

function decode(token: string, arity: number): string[] | undefined {
  if (token.length === 0 || token.length > MAX_TOKEN || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  try {
    const parts: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Array.isArray(parts) || parts.length !== arity) return undefined;
    return parts.every((p) => typeof p === 'string') ? (parts as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/** Only canonical instants, as the tables store them (a token is never hand-written). */
function isInstant(value: string): boolean {
  const parsed = parseInstant(value);
  return 'value' in parsed && parsed.value === value;
}

function isId(value: string): boolean {
  return value.length > 0 && value.length <= 128;
}

function bad(): { problem: string } {
  return { problem: 'not a paging token from this list (pass the `next` of the previous page unchanged)' };
}

/** The instant 1 ms before a canonical ISO instant: turns "< t" into the key condition "<= t - 1 ms". */
export function justBefore(instant: string): string {
  return new Date(Date.parse(instant) - 1).toISOString();
}
