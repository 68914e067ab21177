/**
 * The clickstream's ground truth, computed from the messages as Kafka holds them (partition, offset,
 * value) with plain loops, independently of the processor's planner: what every table must hold after
 * the stream has been processed once, whatever crashes and replays happened on the way.
 */
export interface TruthMessage {
  partition: number;
  offset: string;
  value: string | null;
}

export interface TruthOptions {
  windowMs: number;
  delayMs: number;
  gapMs: number;
  /** Decides validity exactly as the contract says (the schema is tested on its own). */
  parse(value: string | null): { ok: true; event: TruthEvent } | { ok: false; reason: string };
}

export interface TruthEvent {
  event_id: string;
  event_type: string;
  user_id: string;
  session_id: string;
  page: string;
  product_id: string | null;
  price: number | null;
  device: string;
  region: string;
  referrer: string;
  timestamp: string;
}

export interface TruthSession {
  session_id: string;
  user_id: string;
  session_start: string;
  session_end: string;
  event_count: number;
  pages: string[];
  cart_cents: number;
  revenue_cents: number;
  purchased: boolean;
  closed: boolean;
}

export interface ClickTruth {
  raw: Map<string, { event: TruthEvent; late: boolean; partition: number; offset: number }>;
  deadLetters: Map<string, string>;
  windows: Map<string, { count: number; revenue: number }>;
  sessions: TruthSession[];
  funnel: Map<string, { events: number; sessions: Set<string> }>;
  valid: number;
  late: number;
  invalid: number;
}

const cents = (p: number | null) => (p === null ? 0 : Math.round(p * 100));

export function clickstreamTruth(messages: readonly TruthMessage[], o: TruthOptions): ClickTruth {
  const truth: ClickTruth = {
    raw: new Map(),
    deadLetters: new Map(),
    windows: new Map(),
    sessions: [],
    funnel: new Map(),
    valid: 0,
    late: 0,
    invalid: 0,
  };
  const byPartition = new Map<number, TruthMessage[]>();
  for (const m of messages) byPartition.set(m.partition, [...(byPartition.get(m.partition) ?? []), m]);
  for (const [partition, list] of byPartition) {
    list.sort((a, b) => Number(a.offset) - Number(b.offset));
    let clock = -Infinity;
    const open = new Map<string, TruthSession & { endMs: number }>();
    for (const m of list) {
      const parsed = o.parse(m.value);
      if (!parsed.ok) {
        truth.invalid += 1;
        truth.deadLetters.set(`${partition}/${m.offset}`, parsed.reason);
        continue;
      }
      const e = parsed.event;
      const t = Date.parse(e.timestamp);
      const watermark = clock - o.delayMs;
      const windowStart = Math.floor(t / o.windowMs) * o.windowMs;
      const late = windowStart + o.windowMs <= watermark;
      truth.valid += 1;
      truth.raw.set(e.event_id, { event: e, late, partition, offset: Number(m.offset) });
      const hour = new Date(Math.floor(t / 3_600_000) * 3_600_000).toISOString();
      const f = truth.funnel.get(`${hour}|${e.event_type}`) ?? { events: 0, sessions: new Set<string>() };
      f.events += 1;
      f.sessions.add(e.session_id);
      truth.funnel.set(`${hour}|${e.event_type}`, f);
      if (late) {
        truth.late += 1;
        truth.deadLetters.set(`${partition}/${m.offset}`, 'late');
      } else {
        const key = `${new Date(windowStart).toISOString()}|${e.page}|${e.event_type}|${e.device}`;
        const w = truth.windows.get(key) ?? { count: 0, revenue: 0 };
        w.count += 1;
        if (e.event_type === 'PURCHASE') w.revenue += cents(e.price);
        truth.windows.set(key, w);
        let s = open.get(e.session_id);
        if (s && (t > s.endMs + o.gapMs || s.endMs + o.gapMs <= watermark)) {
          truth.sessions.push({ ...s, closed: true });
          s = undefined;
        }
        if (!s) {
          s = {
            session_id: e.session_id,
            user_id: e.user_id,
            session_start: e.timestamp,
            session_end: e.timestamp,
            endMs: t,
            event_count: 0,
            pages: [],
            cart_cents: 0,
            revenue_cents: 0,
            purchased: false,
            closed: false,
          };
          open.set(e.session_id, s);
        }
        if (t < Date.parse(s.session_start)) s.session_start = e.timestamp;
        if (t > s.endMs) {
          s.endMs = t;
          s.session_end = e.timestamp;
        }
        s.event_count += 1;
        if (!s.pages.includes(e.page)) s.pages.push(e.page);
        if (e.event_type === 'ADD_TO_CART') s.cart_cents += cents(e.price);
        if (e.event_type === 'REMOVE_FROM_CART') s.cart_cents = Math.max(0, s.cart_cents - cents(e.price));
        if (e.event_type === 'PURCHASE') {
          s.purchased = true;
          s.revenue_cents += cents(e.price);
        }
      }
      clock = Math.max(clock, t);
    }
    for (const s of open.values())
      truth.sessions.push({ ...s, closed: s.endMs + o.gapMs <= clock - o.delayMs });
  }
  truth.sessions = truth.sessions.map(({ ...s }) => {
    delete (s as { endMs?: number }).endMs;
    return s;
  });
  return truth;
}
