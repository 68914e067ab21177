import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseClickEvent } from '../../../src/events/clickstream/click-schema.js';
import { ClickstreamGenerator } from '../../../src/events/clickstream/click-generator.js';
import { steppedClock } from '../../../src/events/generator.js';
import { planClickBatch } from '../../../src/processor/clickstream/click-planner.js';
import { decodeAll } from '../../../src/processor/decoded.js';
import { OffsetMoved, PostgresClickSink } from '../../../src/processor/sinks/postgres-sink.js';
import { startTestPostgres, truncateClickstream, type TestPostgres } from '../../support/postgres.js';

const START = Date.parse('2026-11-22T12:00:00.000Z');
const OPTIONS = { partition: 0, windowMs: 60_000, watermarkDelayMs: 600_000, sessionGapMs: 1_800_000 };

function batch(seed: string, n: number, from = 0) {
  const messages = new ClickstreamGenerator({
    seed,
    clock: steppedClock(START, 2_000),
    invalidFraction: 0.05,
  })
    .take(from + n)
    .slice(from)
    .map((m, i) => ({ offset: from + i, key: Buffer.from(m.key), value: Buffer.from(m.value) }));
  return decodeAll(messages, (v) => parseClickEvent(v, { now: START + 86_400_000 }));
}

describe('PostgresClickSink (real PostgreSQL)', () => {
  let pg: TestPostgres;
  let sink: PostgresClickSink;
  beforeAll(async () => {
    pg = await startTestPostgres();
  }, 120_000);
  afterAll(async () => pg?.close());
  beforeEach(async () => {
    await truncateClickstream(pg.pool);
    sink = new PostgresClickSink(pg.pool, { group: 'g', topic: 'clickstream' });
  });

  it('writes a batch and its next offset together, and refuses a second writer of the same offset', async () => {
    const stored = await sink.load(0, START);
    expect(stored.nextOffset).toBeNull();
    const plan = planClickBatch(batch('a', 500), stored.state, OPTIONS, START);
    await sink.commit(0, null, 500, plan);
    await expect(sink.commit(0, null, 500, plan)).rejects.toBeInstanceOf(OffsetMoved);
    await expect(sink.commit(0, 400, 500, plan)).rejects.toBeInstanceOf(OffsetMoved);
    const count = async (sql: string) => Number((await pg.pool.query<{ n: string }>(sql)).rows[0]!.n);
    expect(await count('SELECT count(*) AS n FROM click_events')).toBe(plan.raw.length);
    expect(await count('SELECT count(*) AS n FROM click_dead_letters')).toBe(plan.deadLetters.length);
    expect(await count('SELECT coalesce(sum(event_count), 0) AS n FROM click_windows')).toBe(
      plan.raw.filter((r) => !r.late).length,
    );
    expect(await count('SELECT sum(events) AS n FROM click_funnel')).toBe(plan.raw.length);
    const offsets = await pg.pool.query('SELECT next_offset, clock_ms FROM stream_offsets');
    expect(offsets.rows).toEqual([{ next_offset: '500', clock_ms: String(plan.next.watermark.clockMs) }]);
  });

  it('restores the offset, the watermark clock and the open sessions a member needs to resume', async () => {
    const first = planClickBatch(batch('b', 300), (await sink.load(0, START)).state, OPTIONS, START);
    await sink.commit(0, null, 300, first);
    const restored = await sink.load(0, START);
    expect(restored.nextOffset).toBe(300);
    expect(restored.state.watermark.clockMs).toBe(first.next.watermark.clockMs);
    expect(new Map([...restored.state.sessions].sort())).toEqual(new Map([...first.next.sessions].sort()));
    // The next batch planned from the restored state equals the one planned from memory.
    const fromMemory = planClickBatch(batch('b', 200, 300), first.next, OPTIONS, START);
    const fromStore = planClickBatch(batch('b', 200, 300), restored.state, OPTIONS, START);
    expect(fromStore.openSessions).toEqual(fromMemory.openSessions);
    expect(fromStore.windows).toEqual(fromMemory.windows);
  });

  it('sends one statement per table whatever the batch size (no per-event INSERT)', async () => {
    const statements: string[] = [];
    const spy = new PostgresClickSink(
      {
        connect: async () => {
          const c = await pg.pool.connect();
          const q = c.query.bind(c);
          (c as { query: unknown }).query = (text: string, values?: unknown[]) => {
            statements.push(text.trim().split(/\s+/).slice(0, 3).join(' '));
            return q(text, values);
          };
          return c;
        },
      } as never,
      { group: 'g', topic: 'clickstream' },
    );
    const plan = planClickBatch(batch('c', 4_000), (await sink.load(0, START)).state, OPTIONS, START);
    await spy.commit(0, null, 4_000, plan);
    expect(statements.filter((s) => s.startsWith('INSERT INTO click_events'))).toHaveLength(1);
    expect(statements.length).toBeLessThanOrEqual(10);
  });
});
