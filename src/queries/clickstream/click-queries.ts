import { CLICK_EVENT_TYPES } from '../../events/clickstream/click-event.js';
import type {
  FunnelDocument,
  FunnelHourDocument,
  PagesDocument,
  SessionListDocument,
} from './click-documents.js';

/**
 * The clickstream reads, one module for the CLI and the API. Each is one indexed query whose cost grows
 * with the answer: funnel rows of the asked hours, window rows of the asked minutes, closed sessions by
 * end time (or by user).
 */
export interface Queryable {
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: R[] }>;
}

export interface ClickReadContext {
  postgres: Queryable;
  /** "Now" for relative ranges; the wall clock by default. */
  now?: Date;
}

const HOUR_MS = 3_600_000;
const zeros = () => Object.fromEntries(CLICK_EVENT_TYPES.map((t) => [t, 0])) as Record<string, number>;
const cents = (v: unknown) => Math.round(Number(v)) / 100;

function ratio(purchased: number, viewed: number): number | null {
  return viewed === 0 ? null : Math.round((purchased / viewed) * 10_000) / 10_000;
}

/** Hourly funnel of the `hours` hours up to `to` (the hour containing `to` included). */
export async function funnel(
  read: ClickReadContext,
  q: { hours: number; to?: string },
): Promise<FunnelDocument> {
  const to = new Date(q.to ?? (read.now ?? new Date()).toISOString());
  const last = Math.floor(to.getTime() / HOUR_MS) * HOUR_MS;
  const from = new Date(last - (q.hours - 1) * HOUR_MS);
  const { rows } = await read.postgres.query<{
    hour: Date;
    event_type: string;
    events: string;
    sessions: string;
  }>(
    'SELECT hour, event_type, events, sessions FROM click_funnel WHERE hour >= $1 AND hour <= $2 ORDER BY hour',
    [from.toISOString(), new Date(last).toISOString()],
  );
  const hours = new Map<string, FunnelHourDocument>();
  const totals = zeros();
  for (const r of rows) {
    const hour = r.hour.toISOString();
    const h = hours.get(hour) ?? { hour, events: zeros(), sessions: zeros(), conversion: null };
    h.events[r.event_type] = Number(r.events);
    h.sessions[r.event_type] = Number(r.sessions);
    totals[r.event_type] = (totals[r.event_type] ?? 0) + Number(r.events);
    hours.set(hour, h);
  }
  let purchased = 0;
  let viewed = 0;
  for (const h of hours.values()) {
    h.conversion = ratio(h.sessions.PURCHASE ?? 0, h.sessions.PAGE_VIEW ?? 0);
    purchased += h.sessions.PURCHASE ?? 0;
    viewed += h.sessions.PAGE_VIEW ?? 0;
  }
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    hours: [...hours.values()],
    totals: { events: totals, conversion: ratio(purchased, viewed) },
  } as FunnelDocument;
}

/** Events and revenue by (page, event type, device) over the 1-minute windows of the last `minutes`. */
export async function pages(
  read: ClickReadContext,
  q: { minutes: number; to?: string },
): Promise<PagesDocument> {
  const to = new Date(q.to ?? (read.now ?? new Date()).toISOString());
  const from = new Date(to.getTime() - q.minutes * 60_000);
  const { rows } = await read.postgres.query<{
    page: string;
    event_type: string;
    device: string;
    event_count: string;
    revenue_cents: string;
  }>(
    `SELECT page, event_type, device, sum(event_count) AS event_count, sum(revenue_cents) AS revenue_cents
     FROM click_windows WHERE window_start >= $1 AND window_start < $2
     GROUP BY page, event_type, device ORDER BY sum(event_count) DESC, page, event_type, device`,
    [from.toISOString(), to.toISOString()],
  );
  const items = rows.map((r) => ({
    page: r.page,
    event_type: r.event_type,
    device: r.device,
    event_count: Number(r.event_count),
    revenue: cents(r.revenue_cents),
  }));
  return { from: from.toISOString(), to: to.toISOString(), count: items.length, items } as PagesDocument;
}

/** Closed sessions, newest end first; of one user when `user` is given. */
export async function sessions(
  read: ClickReadContext,
  q: { user?: string; limit: number },
): Promise<SessionListDocument> {
  const where = q.user === undefined ? 'closed' : 'closed AND user_id = $2';
  const { rows } = await read.postgres.query<Record<string, unknown>>(
    `SELECT session_id, user_id, session_start, session_end, event_count, pages, cart_cents, revenue_cents,
            purchased, device, region, referrer
     FROM click_sessions WHERE ${where} ORDER BY session_end DESC, session_id LIMIT $1`,
    q.user === undefined ? [q.limit] : [q.limit, q.user],
  );
  const items = rows.map((r) => ({
    session_id: r.session_id as string,
    user_id: r.user_id as string,
    session_start: (r.session_start as Date).toISOString(),
    session_end: (r.session_end as Date).toISOString(),
    event_count: r.event_count as number,
    pages: r.pages as string[],
    cart_value: cents(r.cart_cents),
    revenue: cents(r.revenue_cents),
    purchased: r.purchased as boolean,
    device: r.device as string,
    region: r.region as string,
    referrer: r.referrer as string,
  }));
  return { count: items.length, items };
}

export { USER_PATTERN } from './click-parameters.js';
