import { isoTime, utcDay } from '../events/windows.js';
import type { Contribution, RollupKey, WindowKey } from './contribution.js';

/**
 * How contributions are stored, pure: the item keys of windows and rollups, the `p_<partition>` entry
 * of an item and its fields, and the day range a window restore reads.
 */

/** The primary key of a window item, and the other attributes a window carries. */
export function windowItemKey(key: WindowKey): { agg_key: string; window_start: string } {
  return { agg_key: `${key.city}#${key.eventType}`, window_start: isoTime(key.window.startMs) };
}

export function rollupItemKey(key: RollupKey): { scope: string; day: string } {
  return { scope: key.scope, day: key.day };
}

/** Severity and total counters every window item has, zero included, so readers see a stable shape. */
export const WINDOW_COUNTERS = ['event_count', 'low', 'medium', 'high', 'critical'] as const;
const ENTRY_FIELDS = new Set(['o', 'f', 'first', 'last']);

export function entryName(partition: number): string {
  if (!Number.isInteger(partition) || partition < 0) throw new RangeError(`bad partition ${partition}`);
  return `p_${partition}`;
}

/** The stored form of an entry: `{o, f?, first?, last?, …counts}`, counts under the item's own names. */
export function toEntry(c: Contribution, isWindow: boolean): Record<string, unknown> {
  for (const name of Object.keys(c.counts)) {
    if (ENTRY_FIELDS.has(name)) throw new Error(`count name "${name}" collides with an entry field`);
  }
  const entry: Record<string, unknown> = { o: c.o, ...c.counts };
  if (isWindow) entry.f = c.final === true;
  if (c.first !== undefined) entry.first = c.first;
  if (c.last !== undefined) entry.last = c.last;
  return entry;
}

export function fromEntry(value: unknown): Contribution | null {
  if (!value || typeof value !== 'object') return null;
  const entry = value as Record<string, unknown>;
  const counts: Record<string, number> = {};
  for (const [name, v] of Object.entries(entry))
    if (!ENTRY_FIELDS.has(name) && typeof v === 'number') counts[name] = v;
  const c: Contribution = { o: Number(entry.o), counts };
  if (typeof entry.f === 'boolean') c.final = entry.f;
  if (typeof entry.first === 'string') c.first = entry.first;
  if (typeof entry.last === 'string') c.last = entry.last;
  return c;
}

/** Restores look back hours, not years; a longer range is a caller's bug, not a reason for 1000 Queries. */
const MAX_RESTORE_DAYS = 31;

/** The UTC days from the day of `fromMs` to the day of `toMs`, inclusive. */
export function daysBetween(fromMs: number, toMs: number): string[] {
  if (toMs - fromMs > MAX_RESTORE_DAYS * 86_400_000) {
    throw new RangeError(`window restore range spans more than ${MAX_RESTORE_DAYS} days`);
  }
  const days: string[] = [];
  for (let t = Date.parse(utcDay(fromMs)); t <= toMs; t += 86_400_000) days.push(utcDay(t));
  return days;
}

export function sameEntry(a: Contribution, b: Contribution): boolean {
  if (a.o !== b.o || Boolean(a.final) !== Boolean(b.final) || a.first !== b.first || a.last !== b.last)
    return false;
  const names = new Set([...Object.keys(a.counts), ...Object.keys(b.counts)]);
  return [...names].every((n) => (a.counts[n] ?? 0) === (b.counts[n] ?? 0));
}
