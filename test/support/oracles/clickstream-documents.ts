import { CLICK_EVENT_TYPES } from '../../../src/events/clickstream/click-event.js';
import type { ClickTruth } from './clickstream-truth.js';

/** The read-side documents the truth implies, built by hand from the truth's maps. */
const zeros = () => Object.fromEntries(CLICK_EVENT_TYPES.map((t) => [t, 0])) as Record<string, number>;
const ratio = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 10_000) / 10_000);

export function expectedFunnel(truth: ClickTruth, hours: number, to: string) {
  const last = Math.floor(Date.parse(to) / 3_600_000) * 3_600_000;
  const from = last - (hours - 1) * 3_600_000;
  const byHour = new Map<string, { events: Record<string, number>; sessions: Record<string, number> }>();
  const totals = zeros();
  for (const [key, f] of [...truth.funnel].sort(([a], [b]) => a.localeCompare(b))) {
    const [hour, type] = key.split('|') as [string, string];
    if (Date.parse(hour) < from || Date.parse(hour) > last) continue;
    const h = byHour.get(hour) ?? { events: zeros(), sessions: zeros() };
    h.events[type] = f.events;
    h.sessions[type] = f.sessions.size;
    totals[type]! += f.events;
    byHour.set(hour, h);
  }
  const list = [...byHour].map(([hour, h]) => ({
    hour,
    ...h,
    conversion: ratio(h.sessions.PURCHASE!, h.sessions.PAGE_VIEW!),
  }));
  const purchased = list.reduce((n, h) => n + h.sessions.PURCHASE!, 0);
  const viewed = list.reduce((n, h) => n + h.sessions.PAGE_VIEW!, 0);
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    hours: list,
    totals: { events: totals, conversion: ratio(purchased, viewed) },
  };
}

export function expectedPages(truth: ClickTruth, minutes: number, to: string) {
  const end = Date.parse(to);
  const start = end - minutes * 60_000;
  const sums = new Map<string, { count: number; revenue: number }>();
  for (const [key, w] of truth.windows) {
    const [windowStart, page, type, device] = key.split('|') as [string, string, string, string];
    const t = Date.parse(windowStart);
    if (t < start || t >= end) continue;
    const id = `${page}|${type}|${device}`;
    const s = sums.get(id) ?? { count: 0, revenue: 0 };
    s.count += w.count;
    s.revenue += w.revenue;
    sums.set(id, s);
  }
  const items = [...sums]
    .map(([id, s]) => {
      const [page, event_type, device] = id.split('|') as [string, string, string];
      return { page, event_type, device, event_count: s.count, revenue: s.revenue / 100 };
    })
    .sort(
      (a, b) =>
        b.event_count - a.event_count ||
        cmp(a.page, b.page) ||
        cmp(a.event_type, b.event_type) ||
        cmp(a.device, b.device),
    );
  return { from: new Date(start).toISOString(), to: new Date(end).toISOString(), count: items.length, items };
}

/** PostgreSQL's default collation may differ from code-point order; the test data is plain ASCII. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function expectedSessions(truth: ClickTruth, limit: number, user?: string) {
  const closed = truth.sessions
    .filter((s) => s.closed && (user === undefined || s.user_id === user))
    .sort((a, b) => b.session_end.localeCompare(a.session_end) || cmp(a.session_id, b.session_id))
    .slice(0, limit);
  return {
    count: closed.length,
    items: closed.map((s) => ({
      session_id: s.session_id,
      user_id: s.user_id,
      session_start: s.session_start,
      session_end: s.session_end,
      event_count: s.event_count,
      pages: s.pages,
      cart_value: s.cart_cents / 100,
      revenue: s.revenue_cents / 100,
      purchased: s.purchased,
    })),
  };
}
