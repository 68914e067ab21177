import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickstreamGenerator } from '../../src/events/clickstream/click-generator.js';
import { steppedClock } from '../../src/events/generator.js';
import { runCli } from '../support/cli.js';
import { logEnds, readTopicWithKafkajs, startTestBroker, type TestBroker } from '../support/kafka.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';
import { expectTablesToEqualTruth, truthOf, waitForStoredOffsets } from './clickstream-stack.js';
import { sendAll } from './pipeline-stack.js';
import { startApi } from '../../src/api/index.js';
import { createDynamoClient } from '../../src/clients/dynamodb.js';
import { expectedFunnel, expectedPages, expectedSessions } from '../support/oracles/clickstream-documents.js';

/** Device, region and referrer are checked in the tables against the truth; the documents add them. */
function withoutOrigin(s: Record<string, unknown>) {
  const { device: _d, region: _r, referrer: _f, ...rest } = s;
  return rest;
}

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

    // The read side: the CLI and the API return the documents the truth implies.
    const to = '2026-11-22T12:00:00.000Z';
    const api = await startApi({
      client: createDynamoClient({ target: 'local', region: 'local', endpoint: 'http://127.0.0.1:1' }),
      config: { prefix: 'citystream-', ttlDays: 30 },
      host: '127.0.0.1',
      port: 0,
      postgres: pg.pool,
    });
    try {
      const get = async (path: string) => {
        const res = await fetch(`${api.url}/api/v1/clickstream/${path}`);
        expect(res.status, path).toBe(200);
        return (await res.json()) as unknown;
      };
      const cli = async (...args: string[]) => {
        const r = await runCli(['query', 'clickstream', ...args, '--pg-url', pg.url, '--json'], {
          env: pg.env,
        });
        expect(r.code, r.stderr).toBe(0);
        return JSON.parse(r.stdout) as unknown;
      };
      const funnelDoc = expectedFunnel(truth, 5, to);
      expect(funnelDoc.hours.length).toBe(4);
      expect(await get(`funnel?hours=5&to=${to}`)).toEqual(funnelDoc);
      expect(await cli('funnel', '--hours', '5', '--to', to)).toEqual(funnelDoc);

      const pagesDoc = expectedPages(truth, 90, '2026-11-22T10:30:00.000Z');
      expect(pagesDoc.count).toBeGreaterThan(20);
      expect(await get('pages?minutes=90&to=2026-11-22T10:30:00.000Z')).toEqual(pagesDoc);
      expect(await cli('pages', '--minutes', '90', '--to', '2026-11-22T10:30:00.000Z')).toEqual(pagesDoc);

      const sessionsDoc = expectedSessions(truth, 1000);
      const user = sessionsDoc.items[0]!.user_id;
      const fromApi = (await get('sessions?limit=1000')) as { items: Array<Record<string, unknown>> };
      expect({ ...fromApi, items: fromApi.items.map(withoutOrigin) }).toEqual(sessionsDoc);
      const ofUser = (await cli('sessions', '--user', user, '--limit', '1000')) as typeof fromApi;
      expect({ ...ofUser, items: ofUser.items.map(withoutOrigin) }).toEqual(
        expectedSessions(truth, 1000, user),
      );

      // Validated like every endpoint, and published in the OpenAPI document.
      const bad = await fetch(`${api.url}/api/v1/clickstream/funnel?hours=0`);
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ error: 'invalid_parameter', parameter: 'hours' });
      const unknown = await fetch(`${api.url}/api/v1/clickstream/sessions?usr=u-1`);
      expect(unknown.status).toBe(400);
      const openapi = (await (await fetch(`${api.url}/api/v1/openapi.json`)).json()) as {
        paths: Record<string, unknown>;
      };
      for (const path of ['funnel', 'pages', 'sessions'])
        expect(openapi.paths[`/api/v1/clickstream/${path}`]).toBeDefined();
    } finally {
      await api.close();
    }
  });
});
