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
  const next: Contribution = { o: offset, counts: { ...(prev?.counts ?? {}) }, final: prev?.final ?? false };
  countInWindow(next.counts, event);
  return next;
}

/**
 * {@link addToWindow} in place, for a contribution its caller made and nobody else holds yet (a batch
 * planner folding its events): one copy of the counts per batch and key instead of one per event.
 */
export function addToWindowInPlace(owned: Contribution, offset: number, event: CityEvent): void {
  owned.o = offset;
  countInWindow(owned.counts, event);
}

export function addToRollup(
  prev: Contribution | null,
  offset: number,
  event: CityEvent,
  scope: string,
  isAlert: boolean,
): Contribution {
  const next: Contribution = { o: offset, counts: { ...(prev?.counts ?? {}) } };
  next.first = prev?.first;
  next.last = prev?.last;
  addToRollupInPlace(next, offset, event, scope, isAlert);
  return next;
}

/** {@link addToRollup} in place, on the same terms as {@link addToWindowInPlace}. */
export function addToRollupInPlace(
  owned: Contribution,
  offset: number,
  event: CityEvent,
  scope: string,
  isAlert: boolean,
): void {
  owned.o = offset;
  const counts = owned.counts;
  bump(counts, 'event_count');
  if (isAlert) bump(counts, 'alert_count');
  bump(counts, countName(TYPE_NAMES, 't_', event.event_type));
  bump(counts, countName(SEVERITY_NAMES, 's_', event.severity));
  if (scope === ALL_CITIES) bump(counts, countName(CITY_NAMES, 'c_', event.city));
  if (owned.first === undefined || event.timestamp < owned.first) owned.first = event.timestamp;
  if (owned.last === undefined || event.timestamp > owned.last) owned.last = event.timestamp;
}

function countInWindow(counts: Record<string, number>, event: CityEvent): void {
  bump(counts, 'event_count');
  bump(counts, event.severity);
}

/*
 * Rollup attribute names, made once per value: a name built per event is a new string that each counts
 * object must first look up among the engine's known names. Cities are open-ended, so each cache stops
 * growing at MAX_NAMES and names past it are built per event again.
 */
const TYPE_NAMES = new Map<string, string>();
const SEVERITY_NAMES = new Map<string, string>();
const CITY_NAMES = new Map<string, string>();
const MAX_NAMES = 10_000;

function countName(names: Map<string, string>, prefix: string, value: string): string {
  let name = names.get(value);
  if (name === undefined) {
    name = `${prefix}${value}`;
    if (names.size < MAX_NAMES) names.set(value, name);
  }
  return name;
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
