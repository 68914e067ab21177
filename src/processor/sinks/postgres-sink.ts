import type pg from 'pg';
import { initialWatermark } from '../watermark.js';
import { HOUR_MS, type ClickPlan, type ClickState, type OpenSession } from '../clickstream/click-planner.js';

/**
 * The clickstream's exactly-once PostgreSQL sink. A batch's rows and its partition's next offset are
 * written in one transaction; the offset row is updated first and only if it still holds the offset the
 * batch was planned from, so a second writer of the partition (a member that lost it in a rebalance, a
 * replay after kill -9) changes nothing and is told so with {@link OffsetMoved}.
 *
 * Every table is written with one multi-row statement per batch, `INSERT … SELECT FROM unnest($1::t[], …)`:
 * one parameter per column whatever the number of rows, so PostgreSQL's 65 535-parameter limit is never
 * near; rows are sent in chunks of {@link CHUNK_ROWS} to bound a statement's size.
 */
export const CHUNK_ROWS = 5_000;
const RETRYABLE = new Set(['40P01', '40001']); // deadlock detected, serialization failure
const MAX_ATTEMPTS = 6;

export class OffsetMoved extends Error {
  constructor(partition: number, expected: number | null) {
    super(`partition ${partition}: its stored offset is no longer ${expected ?? '(none)'}`);
    this.name = 'OffsetMoved';
  }
}

export interface StoredPartition {
  /** The next offset to process, or null when nothing of this partition was ever committed. */
  nextOffset: number | null;
  state: ClickState;
}

export interface PostgresSinkOptions {
  group: string;
  topic: string;
  /** Counts retried transactions (deadlocks, serialization failures). */
  onRetry?: () => void;
}

export class PostgresClickSink {
  constructor(
    private readonly pool: pg.Pool,
    private readonly options: PostgresSinkOptions,
  ) {}

  /** What a member needs to resume a partition: its offset, watermark clock and open sessions. */
  async load(partition: number, nowWallMs: number): Promise<StoredPartition> {
    const { group, topic } = this.options;
    const [offsets, sessions] = await Promise.all([
      this.pool.query<{ next_offset: string; clock_ms: string | null }>(
        'SELECT next_offset, clock_ms FROM stream_offsets WHERE consumer_group = $1 AND topic = $2 AND kafka_partition = $3',
        [group, topic, partition],
      ),
      this.pool.query<SessionRow>('SELECT * FROM click_sessions WHERE kafka_partition = $1 AND NOT closed', [
        partition,
      ]),
    ]);
    const row = offsets.rows[0];
    const clock = row?.clock_ms == null ? -Infinity : Number(row.clock_ms);
    return {
      nextOffset: row ? Number(row.next_offset) : null,
      state: {
        watermark: initialWatermark(nowWallMs, clock),
        sessions: new Map(sessions.rows.map((r) => [r.session_id, sessionOf(r)])),
      },
    };
  }

  /** Writes a batch's plan and moves the partition's offset from `expected` to `next`, atomically. */
  async commit(partition: number, expected: number | null, next: number, plan: ClickPlan): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        await this.moveOffset(client, partition, expected, next, plan.next.watermark.clockMs);
        await writePlan(client, plan);
        await client.query('COMMIT');
        return;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        const code = (err as { code?: string }).code ?? '';
        if (!RETRYABLE.has(code) || attempt >= MAX_ATTEMPTS) throw err;
        this.options.onRetry?.();
      } finally {
        client.release();
      }
    }
  }

  private async moveOffset(
    client: pg.PoolClient,
    partition: number,
    expected: number | null,
    next: number,
    clockMs: number,
  ): Promise<void> {
    const { group, topic } = this.options;
    const clock = Number.isFinite(clockMs) ? Math.round(clockMs) : null;
    const result =
      expected === null
        ? await client.query(
            `INSERT INTO stream_offsets (consumer_group, topic, kafka_partition, next_offset, clock_ms)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
            [group, topic, partition, next, clock],
          )
        : await client.query(
            `UPDATE stream_offsets SET next_offset = $4, clock_ms = $5, updated_at = now()
             WHERE consumer_group = $1 AND topic = $2 AND kafka_partition = $3 AND next_offset = $6`,
            [group, topic, partition, next, clock, expected],
          );
    if (result.rowCount !== 1) throw new OffsetMoved(partition, expected);
  }
}

async function writePlan(client: pg.PoolClient, plan: ClickPlan): Promise<void> {
  for (const rows of chunks(plan.raw)) {
    await client.query(
      `INSERT INTO click_events (event_id, event_type, user_id, session_id, page, product_id, price_cents,
         device, region, referrer, event_time, late, kafka_partition, kafka_offset)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
         $7::bigint[], $8::text[], $9::text[], $10::text[], $11::timestamptz[], $12::boolean[], $13::int[],
         $14::bigint[])
       ON CONFLICT (event_id) DO NOTHING`,
      [
        rows.map((r) => r.event.event_id),
        rows.map((r) => r.event.event_type),
        rows.map((r) => r.event.user_id),
        rows.map((r) => r.event.session_id),
        rows.map((r) => r.event.page),
        rows.map((r) => r.event.product_id),
        rows.map((r) => (r.event.price === null ? null : Math.round(r.event.price * 100))),
        rows.map((r) => r.event.device),
        rows.map((r) => r.event.region),
        rows.map((r) => r.event.referrer),
        rows.map((r) => r.event.timestamp),
        rows.map((r) => r.late),
        rows.map((r) => r.partition),
        rows.map((r) => r.offset),
      ],
    );
  }
  // Sorted keys: transactions of different partitions lock shared rows in one order (fewer deadlocks).
  const windows = [...plan.windows].sort((a, b) =>
    compare(
      [a.windowStartMs, a.page, a.eventType, a.device],
      [b.windowStartMs, b.page, b.eventType, b.device],
    ),
  );
  for (const rows of chunks(windows)) {
    await client.query(
      `INSERT INTO click_windows (window_start, window_end, page, event_type, device, event_count, revenue_cents)
       SELECT * FROM unnest($1::timestamptz[], $2::timestamptz[], $3::text[], $4::text[], $5::text[],
         $6::bigint[], $7::bigint[])
       ON CONFLICT (window_start, page, event_type, device) DO UPDATE SET
         event_count = click_windows.event_count + EXCLUDED.event_count,
         revenue_cents = click_windows.revenue_cents + EXCLUDED.revenue_cents`,
      [
        rows.map((w) => new Date(w.windowStartMs).toISOString()),
        rows.map((w) => new Date(w.windowEndMs).toISOString()),
        rows.map((w) => w.page),
        rows.map((w) => w.eventType),
        rows.map((w) => w.device),
        rows.map((w) => w.count),
        rows.map((w) => w.revenueCents),
      ],
    );
  }
  await writeFunnel(client, plan);
  await writeSessions(client, [
    ...plan.openSessions.map((s) => ({ s, closed: false })),
    ...plan.closedSessions.map((s) => ({ s, closed: true })),
  ]);
  for (const rows of chunks(plan.deadLetters)) {
    await client.query(
      `INSERT INTO click_dead_letters (kafka_partition, kafka_offset, reason, window_range, message_key, message_value)
       SELECT $1::int, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bytea[], $6::bytea[])
       ON CONFLICT DO NOTHING`,
      [
        plan.partition,
        rows.map((d) => d.offset),
        rows.map((d) => d.reason),
        rows.map((d) => d.window ?? null),
        rows.map((d) => d.key),
        rows.map((d) => d.value),
      ],
    );
  }
}

/**
 * Funnel counts: events add up; a session counts once per (hour, stage), which the member rows decide —
 * the statement counts only the members its own insert added.
 */
async function writeFunnel(client: pg.PoolClient, plan: ClickPlan): Promise<void> {
  const funnel = [...plan.funnel].sort((a, b) => compare([a.hourMs, a.eventType], [b.hourMs, b.eventType]));
  if (funnel.length === 0) return;
  const members = funnel.flatMap((f) => [...f.sessionIds].sort().map((id) => ({ f, id })));
  await client.query(
    `WITH added AS (
       INSERT INTO click_funnel_members (hour, event_type, session_id)
       SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[])
       ON CONFLICT DO NOTHING RETURNING hour, event_type
     ), new_sessions AS (
       SELECT hour, event_type, count(*) AS sessions FROM added GROUP BY hour, event_type
     )
     INSERT INTO click_funnel (hour, event_type, events, sessions)
     SELECT f.hour, f.event_type, f.events, coalesce(n.sessions, 0)
     FROM unnest($4::timestamptz[], $5::text[], $6::bigint[]) AS f(hour, event_type, events)
     LEFT JOIN new_sessions n USING (hour, event_type)
     ON CONFLICT (hour, event_type) DO UPDATE SET
       events = click_funnel.events + EXCLUDED.events,
       sessions = click_funnel.sessions + EXCLUDED.sessions`,
    [
      members.map((m) => hourIso(m.f.hourMs)),
      members.map((m) => m.f.eventType),
      members.map((m) => m.id),
      funnel.map((f) => hourIso(f.hourMs)),
      funnel.map((f) => f.eventType),
      funnel.map((f) => f.events),
    ],
  );
}

async function writeSessions(
  client: pg.PoolClient,
  rows: Array<{ s: OpenSession; closed: boolean }>,
): Promise<void> {
  for (const chunk of chunks(rows)) {
    await client.query(
      `INSERT INTO click_sessions (session_id, kafka_partition, opened_offset, user_id, device, region,
         referrer, session_start, session_end, event_count, pages, cart_cents, revenue_cents, purchased, closed)
       SELECT r.session_id, r.kafka_partition, r.opened_offset, r.user_id, r.device, r.region, r.referrer,
         r.session_start, r.session_end, r.event_count,
         ARRAY(SELECT jsonb_array_elements_text(r.pages::jsonb)), r.cart_cents, r.revenue_cents,
         r.purchased, r.closed
       FROM unnest($1::text[], $2::int[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[],
         $8::timestamptz[], $9::timestamptz[], $10::int[], $11::text[], $12::bigint[], $13::bigint[],
         $14::boolean[], $15::boolean[])
         AS r(session_id, kafka_partition, opened_offset, user_id, device, region, referrer, session_start,
              session_end, event_count, pages, cart_cents, revenue_cents, purchased, closed)
       ON CONFLICT (session_id, kafka_partition, opened_offset) DO UPDATE SET
         session_start = EXCLUDED.session_start, session_end = EXCLUDED.session_end,
         event_count = EXCLUDED.event_count, pages = EXCLUDED.pages, cart_cents = EXCLUDED.cart_cents,
         revenue_cents = EXCLUDED.revenue_cents, purchased = EXCLUDED.purchased, closed = EXCLUDED.closed`,
      [
        chunk.map((r) => r.s.sessionId),
        chunk.map((r) => r.s.partition),
        chunk.map((r) => r.s.openedOffset),
        chunk.map((r) => r.s.userId),
        chunk.map((r) => r.s.device),
        chunk.map((r) => r.s.region),
        chunk.map((r) => r.s.referrer),
        chunk.map((r) => new Date(r.s.startMs).toISOString()),
        chunk.map((r) => new Date(r.s.endMs).toISOString()),
        chunk.map((r) => r.s.events),
        chunk.map((r) => JSON.stringify(r.s.pages)),
        chunk.map((r) => r.s.cartCents),
        chunk.map((r) => r.s.revenueCents),
        chunk.map((r) => r.s.purchased),
        chunk.map((r) => r.closed),
      ],
    );
  }
}

interface SessionRow {
  session_id: string;
  kafka_partition: number;
  opened_offset: string;
  user_id: string;
  device: string;
  region: string;
  referrer: string;
  session_start: Date;
  session_end: Date;
  event_count: number;
  pages: string[];
  cart_cents: string;
  revenue_cents: string;
  purchased: boolean;
}

function sessionOf(r: SessionRow): OpenSession {
  return {
    sessionId: r.session_id,
    partition: r.kafka_partition,
    openedOffset: Number(r.opened_offset),
    userId: r.user_id,
    device: r.device,
    region: r.region,
    referrer: r.referrer,
    startMs: r.session_start.getTime(),
    endMs: r.session_end.getTime(),
    events: r.event_count,
    pages: r.pages,
    cartCents: Number(r.cart_cents),
    revenueCents: Number(r.revenue_cents),
    purchased: r.purchased,
  };
}

function* chunks<T>(rows: readonly T[]): Generator<T[]> {
  for (let i = 0; i < rows.length; i += CHUNK_ROWS) yield rows.slice(i, i + CHUNK_ROWS);
}

function hourIso(ms: number): string {
  return new Date(Math.floor(ms / HOUR_MS) * HOUR_MS).toISOString();
}

function compare(a: ReadonlyArray<string | number>, b: ReadonlyArray<string | number>): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! < b[i]!) return -1;
    if (a[i]! > b[i]!) return 1;
  }
  return 0;
}
