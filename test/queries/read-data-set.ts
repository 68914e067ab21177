/**
 * The known data set of the read-side tests, with times relative to `now`: live events within the last
 * day and a half, two events older than the TTL (must never be returned or counted), and alerts that share
 * a timestamp (both must come back). `expected*` compute the exact answers from the same list, plainly.
 */
import type { CityEvent, EventType, Severity } from '../../src/events/event.js';

export const TTL_DAYS = 30;
export const ALERT_SEVERITIES: readonly Severity[] = ['high', 'critical'];
export const WINDOW_MS = 5 * 60_000;

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export function buildDataSet(now: Date): CityEvent[] {
  const at = (agoMs: number) => new Date(now.getTime() - agoMs).toISOString();
  const shared = at(30 * MIN);
  const e = (
    n: number,
    city: string,
    event_type: EventType,
    severity: Severity,
    timestamp: string,
    extra: Partial<CityEvent> = {},
  ): CityEvent => ({
    event_id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    city,
    event_type,
    severity,
    timestamp,
    description: `${severity} ${event_type} in ${city} (#${n})`,
    ...extra,
  });
  return [
    e(1, 'NYC', 'traffic', 'low', at(10 * MIN), { location: { lat: 40.7, lon: -74 }, source: 'sensor-1' }),
    e(2, 'NYC', 'weather', 'high', at(20 * MIN)),
    e(3, 'NYC', 'incident', 'critical', shared),
    e(4, 'NYC', 'traffic', 'high', shared),
    e(5, 'NYC', 'construction', 'medium', at(41 * MIN)),
    e(6, 'NYC', 'traffic', 'medium', at(3 * HOUR)),
    e(7, 'LA', 'weather', 'medium', at(5 * MIN)),
    e(8, 'LA', 'incident', 'high', at(26 * HOUR)),
    e(9, 'San Jose', 'traffic', 'low', at(2 * HOUR), { source: 'city-feed' }),
    e(10, 'San Jose', 'traffic', 'critical', at(2 * HOUR + 2 * MIN)),
    // Older than the TTL: the raw item and the alert still sit in the tables (TTL deletion lags).
    e(11, 'NYC', 'traffic', 'critical', at(40 * DAY)),
    e(12, 'LA', 'weather', 'low', at(35 * DAY)),
  ];
}

export function isLive(event: CityEvent, now: Date): boolean {
  return Date.parse(event.timestamp) + TTL_DAYS * DAY > now.getTime();
}

export function isAlert(event: CityEvent): boolean {
  return ALERT_SEVERITIES.includes(event.severity);
}

export function windowStartOf(event: CityEvent): string {
  const t = Date.parse(event.timestamp);
  return new Date(t - (t % WINDOW_MS)).toISOString();
}
