import type { ClickEvent } from '../../events/clickstream/click-event.js';
import { toCents } from '../../events/clickstream/click-event.js';
import { LATE_REASON } from '../../events/event-schema.js';
import { isFinal, isoTime, windowOf } from '../../events/windows.js';
import type { DeadLetter } from '../batch-planner.js';
import type { Decoded } from '../decoded.js';
import { observeActivity, observeEvent, watermarkOf, type WatermarkState } from '../watermark.js';

/**
 * The clickstream processor's core, free of I/O: what one batch of one partition writes, given the
 * partition's state as of its stored offset. Because the sink commits the rows and the next offset in
 * one transaction, a batch is applied exactly once or not at all, so increments need no bookkeeping:
 * replaying from the stored offset with the stored state makes the same decisions again.
 *
 * - raw events: every valid event (late ones included, flagged);
 * - 1-minute windows by (page, event type, device): the city rules — an event whose window the
 *   partition's watermark has passed is late: not counted, sent to the DLQ with reason `late`;
 * - sessions: a session's events (keyed by session, so in one partition) in offset order; an event more
 *   than the gap after its open session's last event, or arriving once the watermark is the gap past
 *   that last event, starts a new one; a session closes once the watermark is the gap past its last
 *   event. Late events do not touch sessions;
 * - hourly funnel: events and distinct sessions per (hour, event type), late events included (like
 *   the city rollups, they are stateless counts).
 */
export interface ClickPlannerOptions {
  partition: number;
  windowMs: number;
  watermarkDelayMs: number;
  sessionGapMs: number;
}

/** A clickstream message with its parse result and event time. */
export type DecodedClick = Decoded<ClickEvent>;

export interface OpenSession {
  sessionId: string;
  partition: number;
  openedOffset: number;
  userId: string;
  device: string;
  region: string;
  referrer: string;
  startMs: number;
  endMs: number;
  events: number;
  pages: string[];
  cartCents: number;
  revenueCents: number;
  purchased: boolean;
}

export interface ClickState {
  watermark: WatermarkState;
  /** Open sessions by session id. */
  sessions: ReadonlyMap<string, OpenSession>;
}

export interface RawClick {
  event: ClickEvent;
  late: boolean;
  partition: number;
  offset: number;
}

export interface WindowIncrement {
  windowStartMs: number;
  windowEndMs: number;
  page: string;
  eventType: string;
  device: string;
  count: number;
  revenueCents: number;
}

export interface FunnelIncrement {
  hourMs: number;
  eventType: string;
  events: number;
  /** Sessions seen at this stage in this hour within the batch; the sink keeps only new ones. */
  sessionIds: Set<string>;
}

export interface ClickPlan {
  partition: number;
  raw: RawClick[];
  deadLetters: DeadLetter[];
  windows: WindowIncrement[];
  funnel: FunnelIncrement[];
  /** Sessions touched and still open (written as open) and sessions closed (written as closed). */
  openSessions: OpenSession[];
  closedSessions: OpenSession[];
  /** The state after the batch. */
  next: ClickState;
  stats: {
    valid: number;
    invalid: number;
    late: number;
    revenueCents: number;
    byType: Record<string, number>;
  };
}

export const HOUR_MS = 3_600_000;

export function planClickBatch(
  messages: readonly DecodedClick[],
  state: ClickState,
  options: ClickPlannerOptions,
  nowWallMs: number,
): ClickPlan {
  const sessions = new Map(state.sessions);
  const touched = new Set<string>();
  const closed: OpenSession[] = [];
  const windows = new Map<string, WindowIncrement>();
  const funnel = new Map<string, FunnelIncrement>();
  const plan: ClickPlan = {
    partition: options.partition,
    raw: [],
    deadLetters: [],
    windows: [],
    funnel: [],
    openSessions: [],
    closedSessions: closed,
    next: state,
    stats: { valid: 0, invalid: 0, late: 0, revenueCents: 0, byType: {} },
  };
  let watermark = state.watermark;

  for (const m of messages) {
    if (!m.parsed.ok) {
      plan.stats.invalid += 1;
      plan.deadLetters.push({ key: m.key, value: m.value, reason: m.parsed.reason, offset: m.offset });
      watermark = observeActivity(watermark, nowWallMs);
      continue;
    }
    const event = m.parsed.event;
    const t = m.eventMs;
    const window = windowOf(t, options.windowMs);
    const wmBefore = watermarkOf(watermark, options.watermarkDelayMs);
    const late = isFinal(window, wmBefore);
    plan.stats.valid += 1;
    plan.stats.byType[event.event_type] = (plan.stats.byType[event.event_type] ?? 0) + 1;
    const revenue = event.event_type === 'PURCHASE' ? toCents(event.price) : 0;
    plan.raw.push({ event, late, partition: options.partition, offset: m.offset });
    addFunnel(funnel, event, t);
    if (late) {
      plan.stats.late += 1;
      plan.deadLetters.push({
        key: m.key,
        value: m.value,
        reason: LATE_REASON,
        offset: m.offset,
        window: `${isoTime(window.startMs)}/${isoTime(window.endMs)}`,
      });
    } else {
      plan.stats.revenueCents += revenue;
      addWindow(windows, event, window, revenue);
      // A session ends at a gap in its own events, or once the watermark is a gap past its last event
      // (checked per event, so the result does not depend on where batches begin and end).
      const open = sessions.get(event.session_id);
      const ended =
        open !== undefined &&
        (t > open.endMs + options.sessionGapMs || open.endMs + options.sessionGapMs <= wmBefore);
      if (open && ended) {
        closed.push(open);
        touched.delete(open.sessionId);
      }
      const base = ended ? undefined : open;
      sessions.set(event.session_id, extendSession(base, event, t, m.offset, options.partition));
      touched.add(event.session_id);
    }
    watermark = observeEvent(watermark, t, nowWallMs);
  }

  const expired = closeExpired(sessions, watermark, options);
  closed.push(...expired);
  for (const s of expired) touched.delete(s.sessionId);
  plan.openSessions = [...touched].map((id) => sessions.get(id)!);
  plan.windows = [...windows.values()];
  plan.funnel = [...funnel.values()];
  plan.next = { watermark, sessions };
  return plan;
}

/** The idle tick's plan: the watermark moved without messages; sessions it passes close. */
export function planTick(
  state: ClickState,
  watermark: WatermarkState,
  options: ClickPlannerOptions,
): ClickPlan {
  const sessions = new Map(state.sessions);
  const closed = closeExpired(sessions, watermark, options);
  return {
    partition: options.partition,
    raw: [],
    deadLetters: [],
    windows: [],
    funnel: [],
    openSessions: [],
    closedSessions: closed,
    next: { watermark, sessions },
    stats: { valid: 0, invalid: 0, late: 0, revenueCents: 0, byType: {} },
  };
}

function closeExpired(
  sessions: Map<string, OpenSession>,
  watermark: WatermarkState,
  options: ClickPlannerOptions,
): OpenSession[] {
  const wm = watermarkOf(watermark, options.watermarkDelayMs);
  const closed: OpenSession[] = [];
  for (const [id, s] of sessions) {
    if (s.endMs + options.sessionGapMs > wm) continue;
    closed.push(s);
    sessions.delete(id);
  }
  return closed;
}

function extendSession(
  open: OpenSession | undefined,
  e: ClickEvent,
  t: number,
  offset: number,
  partition: number,
): OpenSession {
  const s: OpenSession = open
    ? { ...open, pages: open.pages }
    : {
        sessionId: e.session_id,
        partition,
        openedOffset: offset,
        userId: e.user_id,
        device: e.device,
        region: e.region,
        referrer: e.referrer,
        startMs: t,
        endMs: t,
        events: 0,
        pages: [],
        cartCents: 0,
        revenueCents: 0,
        purchased: false,
      };
  s.startMs = Math.min(s.startMs, t);
  s.endMs = Math.max(s.endMs, t);
  s.events += 1;
  if (!s.pages.includes(e.page)) s.pages = [...s.pages, e.page];
  if (e.event_type === 'ADD_TO_CART') s.cartCents += toCents(e.price);
  if (e.event_type === 'REMOVE_FROM_CART') s.cartCents = Math.max(0, s.cartCents - toCents(e.price));
  if (e.event_type === 'PURCHASE') {
    s.purchased = true;
    s.revenueCents += toCents(e.price);
  }
  return s;
}

function addWindow(
  windows: Map<string, WindowIncrement>,
  e: ClickEvent,
  window: { startMs: number; endMs: number },
  revenueCents: number,
): void {
  const id = `${window.startMs}|${e.page}|${e.event_type}|${e.device}`;
  const w = windows.get(id) ?? {
    windowStartMs: window.startMs,
    windowEndMs: window.endMs,
    page: e.page,
    eventType: e.event_type,
    device: e.device,
    count: 0,
    revenueCents: 0,
  };
  w.count += 1;
  w.revenueCents += revenueCents;
  windows.set(id, w);
}

function addFunnel(funnel: Map<string, FunnelIncrement>, e: ClickEvent, t: number): void {
  const hourMs = Math.floor(t / HOUR_MS) * HOUR_MS;
  const id = `${hourMs}|${e.event_type}`;
  const f = funnel.get(id) ?? { hourMs, eventType: e.event_type, events: 0, sessionIds: new Set<string>() };
  f.events += 1;
  f.sessionIds.add(e.session_id);
  funnel.set(id, f);
}
