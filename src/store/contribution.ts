import type { CityEvent } from '../events/event.js';
import { utcDay, windowOf, type Window } from '../events/windows.js';

/**
 * One Kafka partition's contribution to one aggregation window or rollup row: the counts of that
 * partition's events in it, and the offset of the last event included. Stored in the item as `p_<partition>`;
 * the item's totals are the sum of these entries, which is what makes replays harmless.
 */
export interface Contribution {
  /** Offset of the last event of the partition included in `counts`. */
  o: number;
  /** Attribute name → count, e.g. `event_count`, `high` (windows) or `t_traffic`, `c_NYC` (rollups). */
  counts: Record<string, number>;
  /** Earliest and latest event time included (rollups only). */
  first?: string;
  last?: string;
  /** True once this partition's watermark has passed the window's end (windows only). */
  final?: boolean;
}

export interface WindowKey {
  city: string;
  eventType: string;
  window: Window;
}

export interface RollupKey {
  /** A city, or `*` for the all-cities row. */
  scope: string;
  day: string;
}

export const ALL_CITIES = '*';

export function windowKeyOf(event: CityEvent, eventMs: number, windowMs: number): WindowKey {
  return { city: event.city, eventType: event.event_type, window: windowOf(eventMs, windowMs) };
}

/** Identity of a window within one partition's state. */
export function windowId(key: WindowKey): string {
  return `${key.city}#${key.eventType}@${key.window.startMs}`;
}

export function rollupKeysOf(event: CityEvent, eventMs: number): [RollupKey, RollupKey] {
  const day = utcDay(eventMs);
  return [
    { scope: event.city, day },
    { scope: ALL_CITIES, day },
  ];
}

export function rollupId(key: RollupKey): string {
  return `${key.scope}@${key.day}`;
}

/** A new contribution with one more event; the input is not modified. */
export function addToWindow(prev: Contribution | null, offset: number, event: CityEvent): Contribution {
  const counts = { ...(prev?.counts ?? {}) };
  bump(counts, 'event_count');
  bump(counts, event.severity);
  return { o: offset, counts, final: prev?.final ?? false };
}

export function addToRollup(
  prev: Contribution | null,
  offset: number,
  event: CityEvent,
  scope: string,
  isAlert: boolean,
): Contribution {
  const counts = { ...(prev?.counts ?? {}) };
  bump(counts, 'event_count');
  if (isAlert) bump(counts, 'alert_count');
  bump(counts, `t_${event.event_type}`);
  bump(counts, `s_${event.severity}`);
  if (scope === ALL_CITIES) bump(counts, `c_${event.city}`);
  const first = prev?.first === undefined || event.timestamp < prev.first ? event.timestamp : prev.first;
  const last = prev?.last === undefined || event.timestamp > prev.last ? event.timestamp : prev.last;
  return { o: offset, counts, first, last };
}

/** Per-attribute difference next − prev: what an `ADD` must apply to the item's totals. */
export function countDeltas(prev: Contribution | null, next: Contribution): Record<string, number> {
  const deltas: Record<string, number> = {};
  const names = new Set([...Object.keys(prev?.counts ?? {}), ...Object.keys(next.counts)]);
  for (const name of names) {
    const d = (next.counts[name] ?? 0) - (prev?.counts[name] ?? 0);
    if (d !== 0) deltas[name] = d;
  }
  return deltas;
}

function bump(counts: Record<string, number>, name: string): void {
  counts[name] = (counts[name] ?? 0) + 1;
}
