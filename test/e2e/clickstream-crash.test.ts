import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/resolve-config.js';
import type { Config } from '../../src/config/settings.js';
import { ClickstreamGenerator } from '../../src/events/clickstream/click-generator.js';
import { clickstreamConfig } from '../../src/events/clickstream/topics.js';
import { steppedClock } from '../../src/events/generator.js';
import { Prng } from '../../src/events/prng.js';
import { logEnds, readTopicWithKafkajs, startTestBroker, type TestBroker } from '../support/kafka.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { waitFor } from '../support/wait-for.js';
import { expectTablesToEqualTruth, truthOf, waitForStoredOffsets } from './clickstream-stack.js';
import { sendAll } from './pipeline-stack.js';

/**
 * Exactly once under SIGKILL: a 50 000-event clickstream is processed by a child process that is killed
 * with SIGKILL five times, at seeded moments while batches are being committed, and restarted each time.
 * At the end no raw row is duplicated or missing and every window, session, funnel count and dead letter
 * equals the truth: a batch's rows and its offset were committed together or not at all.
 */
const EVENTS = Number(process.env.CITYSTREAM_CRASH_EVENTS ?? 50_000);
const KILLS = 5;
const CHILD = new URL('./fixtures/clickstream-child.ts', import.meta.url).pathname;
const START = Date.parse('2026-11-22T00:00:00.000Z');

let broker: TestBroker;
let pg: TestPostgres;
const children = new Set<ChildProcess>();

function startChild(config: Config): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CHILD, JSON.stringify({ config, sessionTimeoutMs: 6_000 })],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...pg.env } },
  );
  children.add(child);
  child.on('exit', () => children.delete(child));
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      if (c.toString().includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before ready: ${stderr}`)));
  });
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

async function storedTotal(): Promise<number> {
  const r = await pg.pool.query<{ n: string | null }>('SELECT sum(next_offset) AS n FROM stream_offsets');
  return Number(r.rows[0]?.n ?? 0);
}

describe('clickstream: kill -9 of the processor', () => {
  beforeAll(async () => {
    [broker, pg] = await Promise.all([startTestBroker({ partitions: 3 }), startTestPostgres()]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([...children].map(kill));
    await Promise.all([broker?.close(), pg?.close()]);
  });

  it(
    `loses nothing and counts nothing twice across ${KILLS} SIGKILLs during ${EVENTS} events`,
    { timeout: 600_000 },
    async () => {
      const base = resolveConfig({
        flags: { brokers: [broker.bootstrap], pgUrl: pg.url, partitions: 3 },
        env: {},
      });
      const config = clickstreamConfig(base.values, base.sources);
      const generated = new ClickstreamGenerator({
        seed: 'crash',
        lateFraction: 0.03,
        maxLatenessMs: 15 * 60_000,
        invalidFraction: 0.02,
        clock: steppedClock(START, 500),
      }).take(EVENTS);
      await sendAll(broker.kafka, config.topic, generated);
      const ends = await logEnds(broker.kafka, config.topic);

      const rng = new Prng('clickstream-crash');
      let kills = 0;
      for (let k = 1; k <= KILLS; k++) {
        const child = await startChild(config);
        // Kill somewhere in the next stretch of progress: after at least one more commit, at a random moment.
        const before = await storedTotal();
        const target = Math.min(EVENTS - 1, before + 1 + rng.int(Math.floor(EVENTS / (KILLS + 2))));
        await waitFor('progress before a kill', async () => (await storedTotal()) >= target, 120_000, 5);
        await kill(child);
        kills += 1;
      }
      expect(kills).toBe(KILLS);
      expect(await storedTotal()).toBeLessThan(EVENTS); // the kills happened mid-stream
      await startChild(config);
      await waitForStoredOffsets(pg.pool, config.group, config.topic, ends, 300_000);

      const truth = truthOf(await readTopicWithKafkajs(broker.kafka, config.topic, 60_000));
      expect(truth.valid + truth.invalid).toBe(EVENTS);
      const distinct = await pg.pool.query<{ rows: string; ids: string }>(
        'SELECT count(*) AS rows, count(DISTINCT event_id) AS ids FROM click_events',
      );
      expect(distinct.rows[0]).toEqual({ rows: String(truth.valid), ids: String(truth.valid) });
      await expectTablesToEqualTruth(pg.pool, truth);
    },
  );
});
