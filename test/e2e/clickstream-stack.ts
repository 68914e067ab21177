import type pg from 'pg';
import { expect } from 'vitest';
import { parseClickEvent } from '../../src/events/clickstream/click-schema.js';
import { waitFor } from '../support/wait-for.js';
import {
  clickstreamTruth,
  type ClickTruth,
  type TruthMessage,
} from '../support/oracles/clickstream-truth.js';

/** What the clickstream e2e and crash tests share: the truth of a topic, and the tables compared to it. */
export const CLICK_TIMING = { windowMs: 60_000, delayMs: 600_000, gapMs: 1_800_000 };

export function truthOf(messages: readonly TruthMessage[]): ClickTruth {
  return clickstreamTruth(messages, {
    ...CLICK_TIMING,
    parse: (v) => parseClickEvent(v, { now: Date.now() }),
  });
}

/** Waits until PostgreSQL's stored offsets reach every partition's log end. */
export async function waitForStoredOffsets(
  pool: pg.Pool,
  group: string,
  topic: string,
  ends: Map<number, number>,
  timeoutMs = 240_000,
): Promise<void> {
  await waitFor(
    `stored offsets of ${group} to reach the log ends`,
    async () => {
      const rows = await pool.query<{ kafka_partition: number; next_offset: string }>(
        'SELECT kafka_partition, next_offset FROM stream_offsets WHERE consumer_group = $1 AND topic = $2',
        [group, topic],
      );
      const stored = new Map(rows.rows.map((r) => [r.kafka_partition, Number(r.next_offset)]));
      return [...ends].every(([p, end]) => end === 0 || stored.get(p) === end);
    },
    timeoutMs,
    200,
  );
}

/** Every clickstream table equals the truth: rows, counts, money, sessions, funnel, dead letters. */
export async function expectTablesToEqualTruth(pool: pg.Pool, truth: ClickTruth): Promise<void> {
  const events = await pool.query(
    `SELECT event_id, event_type, user_id, session_id, page, product_id, price_cents, device, region, referrer,
            event_time, late, kafka_partition, kafka_offset FROM click_events`,
  );
  expect(events.rows.length).toBe(truth.raw.size);
  for (const r of events.rows) {
    const t = truth.raw.get(r.event_id as string);
    expect(t, `event ${r.event_id} is in the truth`).toBeDefined();
    expect({
      event_type: r.event_type,
      session_id: r.session_id,
      page: r.page,
      product_id: r.product_id,
      price_cents: r.price_cents === null ? null : Number(r.price_cents),
      device: r.device,
      event_time: (r.event_time as Date).toISOString(),
      late: r.late,
      partition: r.kafka_partition,
      offset: Number(r.kafka_offset),
    }).toEqual({
      event_type: t!.event.event_type,
      session_id: t!.event.session_id,
      page: t!.event.page,
      product_id: t!.event.product_id,
      price_cents: t!.event.price === null ? null : Math.round(t!.event.price * 100),
      device: t!.event.device,
      event_time: t!.event.timestamp,
      late: t!.late,
      partition: t!.partition,
      offset: t!.offset,
    });
  }

  const windows = await pool.query(
    'SELECT window_start, page, event_type, device, event_count, revenue_cents FROM click_windows',
  );
  const actualWindows = new Map(
    windows.rows.map((r) => [
      `${(r.window_start as Date).toISOString()}|${r.page}|${r.event_type}|${r.device}`,
      { count: Number(r.event_count), revenue: Number(r.revenue_cents) },
    ]),
  );
  expect(actualWindows).toEqual(truth.windows);

  const funnel = await pool.query('SELECT hour, event_type, events, sessions FROM click_funnel');
  expect(
    new Map(
      funnel.rows.map((r) => [
        `${(r.hour as Date).toISOString()}|${r.event_type}`,
        { events: Number(r.events), sessions: Number(r.sessions) },
      ]),
    ),
  ).toEqual(new Map([...truth.funnel].map(([k, v]) => [k, { events: v.events, sessions: v.sessions.size }])));

  const sessions = await pool.query(
    `SELECT session_id, user_id, session_start, session_end, event_count, pages, cart_cents, revenue_cents,
            purchased, closed FROM click_sessions`,
  );
  const actualSessions = sessions.rows.map((r) => ({
    session_id: r.session_id as string,
    user_id: r.user_id as string,
    session_start: (r.session_start as Date).toISOString(),
    session_end: (r.session_end as Date).toISOString(),
    event_count: r.event_count as number,
    pages: r.pages as string[],
    cart_cents: Number(r.cart_cents),
    revenue_cents: Number(r.revenue_cents),
    purchased: r.purchased as boolean,
    closed: r.closed as boolean,
  }));
  const order = (a: { session_id: string; session_start: string }, b: typeof a) =>
    a.session_id.localeCompare(b.session_id) || a.session_start.localeCompare(b.session_start);
  expect(actualSessions.sort(order)).toEqual([...truth.sessions].sort(order));

  const letters = await pool.query('SELECT kafka_partition, kafka_offset, reason FROM click_dead_letters');
  expect(
    new Map(letters.rows.map((r) => [`${r.kafka_partition}/${r.kafka_offset}`, r.reason as string])),
  ).toEqual(truth.deadLetters);
}
