import { EVENT_TYPES, SEVERITIES } from '../events/event.js';

/** What a set of rollup rows (one scope, several days) adds up to. Pure: rows are unmarshalled items. */
export interface RollupTotals {
  total_events: number;
  total_alerts: number;
  by_type: Record<string, number>;
  by_severity: Record<string, number>;
  by_city: Record<string, number>;
  first_event_at: string | null;
  last_event_at: string | null;
}

/**
 * Sums `event_count`, `alert_count`, `t_<type>`, `s_<severity>` and `c_<city>` over the rows; the first
 * and last event times are the min / max of the per-partition entries' `first` / `last`.
 * Every known type and severity is present (zero when unseen) so documents keep a stable shape.
 */
export function sumRollups(rows: Array<Record<string, unknown>>): RollupTotals {
  const totals: RollupTotals = {
    total_events: 0,
    total_alerts: 0,
    by_type: Object.fromEntries(EVENT_TYPES.map((t) => [t, 0])),
    by_severity: Object.fromEntries(SEVERITIES.map((s) => [s, 0])),
    by_city: {},
    first_event_at: null,
    last_event_at: null,
  };
  for (const row of rows) {
    totals.total_events += num(row.event_count);
    totals.total_alerts += num(row.alert_count);
    for (const [name, value] of Object.entries(row)) {
      if (name.startsWith('t_')) add(totals.by_type, name.slice(2), value);
      else if (name.startsWith('s_')) add(totals.by_severity, name.slice(2), value);
      else if (name.startsWith('c_')) add(totals.by_city, name.slice(2), value);
      else if (name.startsWith('p_') && value && typeof value === 'object') {
        const entry = value as { first?: unknown; last?: unknown };
        totals.first_event_at = earliest(totals.first_event_at, entry.first);
        totals.last_event_at = latest(totals.last_event_at, entry.last);
      }
    }
  }
  return totals;
}

/** `[{city, event_count}]`, biggest first, then by name, leaving out cities whose count is zero. */
export function cityCounts(byCity: Record<string, number>): Array<{ city: string; event_count: number }> {
  return Object.entries(byCity)
    .filter(([, n]) => n > 0)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .map(([city, event_count]) => ({ city, event_count }));
}

function add(into: Record<string, number>, key: string, value: unknown): void {
  into[key] = (into[key] ?? 0) + num(value);
}

function num(value: unknown): number {
  const n = Number(value ?? 0);
  return Number.isFinite(n) ? n : 0;
}

function earliest(current: string | null, candidate: unknown): string | null {
  if (typeof candidate !== 'string' || candidate === '') return current;
  return current === null || candidate < current ? candidate : current;
}

function latest(current: string | null, candidate: unknown): string | null {
  if (typeof candidate !== 'string' || candidate === '') return current;
  return current === null || candidate > current ? candidate : current;
}
