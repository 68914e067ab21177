import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickstreamGenerator } from '../../src/events/clickstream/click-generator.js';
import { steppedClock } from '../../src/events/generator.js';
import { runCli } from '../support/cli.js';
import { logEnds, readTopicWithKafkajs, startTestBroker, type TestBroker } from '../support/kafka.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { expectTablesToEqualTruth, truthOf, waitForStoredOffsets } from './clickstream-stack.js';
import { sendAll } from './pipeline-stack.js';

/**
 * The clickstream end to end on real components: the embedded broker, a real PostgreSQL, and
 * `citystream db migrate` + `citystream process --workload clickstream` run as a user runs them. A seeded
 * stream of sessions over four hours of event time, with delayed (some late) and malformed messages;
 * every table then equals the independent truth computed from the topic as Kafka holds it.
 */
const START = Date.parse('2026-11-22T08:00:00.000Z');
const COUNT = 4_000;

describe('clickstream end to end (broker + PostgreSQL)', () => {
  let broker: TestBroker;
  let pg: TestPostgres;
  beforeAll(async () => {
    [broker, pg] = await Promise.all([
      startTestBroker({ partitions: 3 }),
      startTestPostgres({ migrated: false }),
    ]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([broker?.close(), pg?.close()]);
  });

  it('writes every table exactly as the truth says', { timeout: 300_000 }, async () => {
    const common = ['--brokers', broker.bootstrap, '--pg-url', pg.url];
    const migrated = await runCli(['db', 'migrate', ...common.slice(2)], { env: pg.env });
    expect(migrated.code).toBe(0);
    const generated = new ClickstreamGenerator({
      seed: 'e2e',
      lateFraction: 0.05,
      maxLatenessMs: 15 * 60_000,
      invalidFraction: 0.03,
      clock: steppedClock(START, 3_600),
    }).take(COUNT);
    await sendAll(broker.kafka, 'clickstream', generated);

    const stop = new AbortController();
    const processing = runCli(['process', '--workload', 'clickstream', ...common, '--json'], {
      env: pg.env,
      signal: stop.signal,
    });
    const ends = await logEnds(broker.kafka, 'clickstream');
    await waitForStoredOffsets(pg.pool, 'citystream-clickstream', 'clickstream', ends);
    stop.abort();
    const result = await processing;
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.code).toBe(0);

    const truth = truthOf(await readTopicWithKafkajs(broker.kafka, 'clickstream'));
    // The stream really exercises every rule.
    expect(truth.late).toBeGreaterThan(20);
    expect(truth.invalid).toBeGreaterThan(50);
    expect(truth.sessions.filter((s) => s.closed && s.purchased).length).toBeGreaterThan(10);
    expect(JSON.parse(result.stdout)).toMatchObject({
      valid: truth.valid,
      invalid: truth.invalid,
      late: truth.late,
    });
    await expectTablesToEqualTruth(pg.pool, truth);
  });
});
