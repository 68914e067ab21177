/**
 * The exact answers the read side must give for a list of events, computed as plainly as possible
 * (filter, sort, count) so that they are an independent oracle for the Query-based implementation.
 */
import { EVENT_TYPES, SEVERITIES, type CityEvent } from '../../../src/events/event.js';
import type { AggregationDocument, EventDocument } from '../../../src/queries/document-schemas.js';
import { aggregationCursor, alertCursor, eventCursor } from '../../../src/queries/cursor.js';
import { isAlert, isLive, WINDOW_MS, windowStartOf } from '../../queries/read-data-set.js';

/**
 * A page of `all` (the whole list, in order): the first `limit`, and when more follow, `next` = the
 * paging token of the last item on the page (the token's encoding is the read side's; when a next page
 * exists and where it starts is decided here).
 */
function page<T>(all: T[], limit: number, token: (last: T) => string) {
  const items = all.slice(0, limit);
  return all.length > limit
    ? { count: items.length, items, next: token(items[items.length - 1]!) }
    : { count: items.length, items };
}

const HOUR = 3_600_000;

function doc(e: CityEvent): EventDocument {
  const d: EventDocument = {
    event_id: e.event_id,
    timestamp: e.timestamp,
    city: e.city,
    event_type: e.event_type,
    severity: e.severity,
    description: e.description,
  };
  if (e.location) d.location = e.location;
  if (e.source) d.source = e.source;
  return d;
}

const newest = (a: CityEvent, b: CityEvent) =>
  b.timestamp.localeCompare(a.timestamp) || b.event_id.localeCompare(a.event_id);

export function expectedEvents(events: CityEvent[], now: Date, city: string, limit: number) {
  const all = events
    .filter((e) => e.city === city && isLive(e, now))
    .sort(newest)
    .map(doc);
  return page(all, limit, eventCursor);
}

/** Alerts, a page of `limit` (default 100, the API's). */
export function expectedAlerts(
  events: CityEvent[],
  now: Date,
  q: { city?: string; hours: number; limit?: number },
) {
  const cutoff = now.getTime() - q.hours * HOUR;
  const all = events
    .filter((e) => isAlert(e) && isLive(e, now) && Date.parse(e.timestamp) >= cutoff)
    .filter((e) => q.city === undefined || e.city === q.city)
    .sort(newest)
    .map(doc);
  return page(all, q.limit ?? 100, alertCursor);
}

function zeros(keys: readonly string[]): Record<string, number> {
  return Object.fromEntries(keys.map((k) => [k, 0]));
}

/** Totals over the live events; rollup days are whole UTC days, and the data set keeps clear of the edge. */
function totals(events: CityEvent[]) {
  const by_type = zeros(EVENT_TYPES);
  const by_severity = zeros(SEVERITIES);
  const by_city: Record<string, number> = {};
  for (const e of events) {
    by_type[e.event_type]! += 1;
    by_severity[e.severity]! += 1;
    by_city[e.city] = (by_city[e.city] ?? 0) + 1;
  }
  const times = events.map((e) => e.timestamp).sort();
  return {
    total_events: events.length,
    total_alerts: events.filter(isAlert).length,
    by_type,
    by_severity,
    by_city,
    first_event_at: times[0] ?? null,
    last_event_at: times.at(-1) ?? null,
  };
}

export function expectedCities(events: CityEvent[], now: Date) {
  const { by_city } = totals(events.filter((e) => isLive(e, now)));
  return Object.entries(by_city)
    .map(([city, event_count]) => ({ city, event_count }))
    .sort((a, b) => b.event_count - a.event_count || (a.city < b.city ? -1 : 1));
}

export function expectedStats(events: CityEvent[], now: Date) {
  const t = totals(events.filter((e) => isLive(e, now)));
  const by_city = Object.fromEntries(expectedCities(events, now).map((c) => [c.city, c.event_count]));
  return {
    total_events: t.total_events,
    total_alerts: t.total_alerts,
    by_city,
    by_type: t.by_type,
    by_severity: t.by_severity,
    first_event_at: t.first_event_at,
    last_event_at: t.last_event_at,
  };
}

export function expectedSummary(events: CityEvent[], now: Date, city: string) {
  const live = events.filter((e) => isLive(e, now) && e.city === city);
  const t = totals(live);
  const cutoff = now.getTime() - 24 * HOUR;
  return {
    city,
    total_events: t.total_events,
    by_type: t.by_type,
    by_severity: t.by_severity,
    alerts_24h: live.filter((e) => isAlert(e) && Date.parse(e.timestamp) >= cutoff).length,
    last_event_at: t.last_event_at,
  };
}

/** Windows of the events (all final in this data set), newest first, then by city and type. */
export function expectedAggregations(
  events: CityEvent[],
  now: Date,
  q: { city?: string; type?: string; limit: number; from?: string; to?: string },
  ttlDays: number,
  final: (w: AggregationDocument) => boolean = () => true,
) {
  const windows = new Map<string, AggregationDocument>();
  for (const e of events) {
    const start = windowStartOf(e);
    const key = `${e.city}#${e.event_type}#${start}`;
    const w = windows.get(key) ?? {
      city: e.city,
      event_type: e.event_type,
      window_start: start,
      window_end: new Date(Date.parse(start) + WINDOW_MS).toISOString(),
      event_count: 0,
      low: 0,
      medium: 0,
      high: 0,
      critical: 0,
      final: true,
    };
    w.event_count += 1;
    w[e.severity] += 1;
    windows.set(key, w);
  }
  const from = q.from ?? new Date(now.getTime() - ttlDays * 24 * HOUR).toISOString();
  const items = [...windows.values()]
    .filter(
      (w) => (q.city === undefined || w.city === q.city) && (q.type === undefined || w.event_type === q.type),
    )
    .filter((w) => w.window_start >= from && (q.to === undefined || w.window_start <= q.to))
    .sort(
      (a, b) =>
        b.window_start.localeCompare(a.window_start) ||
        (a.city < b.city ? -1 : a.city > b.city ? 1 : 0) ||
        (a.event_type < b.event_type ? -1 : 1),
    )
    .map((w) => ({ ...w, final: final(w) }));
  return page(items, q.limit, aggregationCursor);
}
