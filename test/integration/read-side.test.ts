/**
 * The read side end to end, on both DynamoDB endpoints: a known data set written through the pipeline's
 * writers, then every `citystream query` subcommand (in-process, --json) and every REST endpoint checked
 * against the exact expected document, and the API's DynamoDB traffic checked for Query-only reads.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TSchema } from '@sinclair/typebox';
import { FormatRegistry } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../src/clients/dynamodb.js';
import { startApi, type RunningApi } from '../../src/api/index.js';
import { SCHEMAS } from '../../src/api/schemas.js';
import {
  aggregations,
  citySummary,
  recentAlerts,
  recentEvents,
  type ReadContext,
} from '../../src/queries/index.js';
import { tableNames } from '../../src/store/table-definitions.js';
import { createTables } from '../../src/store/tables.js';
import { runCliRaw } from '../support/cli.js';
import { configFor, dynamoEndpoints, freshPrefix } from '../support/dynamo-endpoints.js';
import { READ_COMMANDS, recordCommands } from '../queries/command-recorder.js';
import {
  expectedAggregations,
  expectedAlerts,
  expectedCities,
  expectedEvents,
  expectedStats,
  expectedSummary,
} from '../support/oracles/expected-answers.js';
import { buildDataSet, TTL_DAYS, windowStartOf } from '../queries/read-data-set.js';
import { finalBefore, writeThroughWriters } from '../queries/writer-fixture.js';

// The documents' times are ISO-8601 UTC instants, as the read side writes them.
FormatRegistry.Set(
  'date-time',
  (v) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(v) && !Number.isNaN(Date.parse(v)),
);

for (const ep of dynamoEndpoints()) {
  describe.skipIf(ep.skip)(`read side end to end on ${ep.name}`, () => {
    const now = new Date();
    const events = buildDataSet(now);
    const prefix = freshPrefix('e2e');
    const isFinal = (w: { window_end: string }) => Date.parse(w.window_end) <= finalBefore(now);
    let api: RunningApi;
    let sent: string[];
    let readClient: DynamoDBClient;
    let readSent: string[];
    let cwd: string;

    beforeAll(async () => {
      cwd = await mkdtemp(join(tmpdir(), 'citystream-read-'));
      await createTables(ep.client, { prefix, billing: { mode: 'on-demand' } });
      await writeThroughWriters(ep.client, tableNames(prefix), events, now);
      const config = configFor(ep.endpoint, { prefix });
      const client = createDynamoClient(config);
      sent = recordCommands(client);
      api = await startApi({ client, config, host: '127.0.0.1', port: 0 });
      readClient = createDynamoClient(config);
      readSent = recordCommands(readClient);
    });

    afterAll(async () => {
      await api?.close();
      readClient?.destroy();
      if (cwd) await rm(cwd, { recursive: true, force: true });
    });

    /** `citystream <args> --json` in-process against this endpoint and prefix; the parsed document. */
    async function cli(...args: string[]): Promise<unknown> {
      const { stdout } = await runCliRaw([...args, '--json', '--endpoint', ep.endpoint, '--prefix', prefix], {
        cwd,
      });
      return JSON.parse(stdout);
    }

    async function http(path: string): Promise<unknown> {
      const res = await fetch(`${api.url}/api/v1${path}`);
      expect(res.status, path).toBe(200);
      return res.json();
    }

    /** Each case: the CLI arguments, the API path, and the exact document both must print. */
    const cases = (): Array<[string[], string, unknown]> => {
      const hourAgo = new Date(now.getTime() - 3_600_000).toISOString();
      const quarterAgo = new Date(now.getTime() - 15 * 60_000).toISOString();
      const agg = (q: Parameters<typeof expectedAggregations>[2]) =>
        expectedAggregations(events, now, q, TTL_DAYS, isFinal);
      return [
        [['query', 'events', 'NYC'], '/events/NYC', expectedEvents(events, now, 'NYC', 20)],
        [
          ['query', 'events', 'NYC', '--limit', '2'],
          '/events/NYC?limit=2',
          expectedEvents(events, now, 'NYC', 2),
        ],
        [['query', 'events', 'San Jose'], '/events/San%20Jose', expectedEvents(events, now, 'San Jose', 20)],
        [['query', 'events', 'Nowhere'], '/events/Nowhere', { count: 0, items: [] }],
        [['query', 'summary', 'NYC'], '/summary/NYC', expectedSummary(events, now, 'NYC')],
        [['query', 'summary', 'LA'], '/summary/LA', expectedSummary(events, now, 'LA')],
        [['query', 'alerts'], '/alerts', expectedAlerts(events, now, { hours: 24 })],
        [
          ['query', 'alerts', '--hours', '48'],
          '/alerts?hours=48',
          expectedAlerts(events, now, { hours: 48 }),
        ],
        [
          ['query', 'alerts', '--city', 'NYC', '--hours', '1'],
          '/alerts?city=NYC&hours=1',
          expectedAlerts(events, now, { city: 'NYC', hours: 1 }),
        ],
        [
          ['query', 'alerts', '--hours', '720', '--limit', '2'],
          '/alerts?hours=720&limit=2',
          expectedAlerts(events, now, { hours: 720, limit: 2 }),
        ],
        [['query', 'cities'], '/cities', expectedCities(events, now)],
        [['query', 'stats'], '/stats', expectedStats(events, now)],
        [['query', 'aggregations'], '/aggregations', agg({ limit: 10 })],
        [
          ['query', 'aggregations', '--city', 'NYC', '--type', 'traffic', '--limit', '5'],
          '/aggregations?city=NYC&event_type=traffic&limit=5',
          agg({ city: 'NYC', type: 'traffic', limit: 5 }),
        ],
        [['query', 'aggregations', '--city', 'LA'], '/aggregations?city=LA', agg({ city: 'LA', limit: 10 })],
        [
          ['query', 'aggregations', '--type', 'traffic', '--limit', '3'],
          '/aggregations?event_type=traffic&limit=3',
          agg({ type: 'traffic', limit: 3 }),
        ],
        [
          ['query', 'aggregations', '--from', hourAgo, '--to', quarterAgo],
          `/aggregations?from=${hourAgo}&to=${quarterAgo}`,
          agg({ limit: 10, from: hourAgo, to: quarterAgo }),
        ],
      ];
    };

    it('the data set is what the expectations say (a guard against a vacuous oracle)', () => {
      expect(expectedStats(events, now)).toMatchObject({ total_events: 10, total_alerts: 5 });
      expect(expectedAlerts(events, now, { city: 'NYC', hours: 24 }).count).toBe(3);
      const windows = expectedAggregations(events, now, { limit: 1000 }, TTL_DAYS, isFinal).items;
      expect(windows.some((w) => w.final) && windows.some((w) => !w.final)).toBe(true);
    });

    it('every query subcommand prints the exact expected document with --json', async () => {
      for (const [args, , expected] of cases()) expect(await cli(...args), args.join(' ')).toEqual(expected);
    });

    it('every document the CLI prints conforms to the schema the API publishes for its route', async () => {
      const openapi = (await http('/openapi.json')) as {
        paths: Record<
          string,
          { get: { responses: { '200': { content: Record<string, { schema: { $ref: string } }> } } } }
        >;
      };
      const schemaOf = (path: string): TSchema => {
        const route = Object.keys(openapi.paths).find((p) =>
          new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/?]+')}(\\?|$)`).test(`/api/v1${path}`),
        );
        const ref =
          route && openapi.paths[route]?.get.responses['200'].content['application/json']?.schema.$ref;
        const name = ref?.split('/').at(-1) as keyof typeof SCHEMAS;
        expect(SCHEMAS[name], path).toBeDefined();
        return SCHEMAS[name];
      };
      for (const [args, path] of cases()) {
        const doc = await cli(...args);
        expect(
          [...Value.Errors(schemaOf(path), doc)].map((e) => `${e.path}: ${e.message}`),
          path,
        ).toEqual([]);
      }
    });

    it('every REST endpoint answers the exact expected document, the same as the CLI', async () => {
      for (const [, path, expected] of cases()) expect(await http(path), path).toEqual(expected);
      expect(await http('/health')).toEqual({ status: 'ok' });
    });

    it('alerts that share a timestamp all come back, and expired items never do', async () => {
      const alerts = (await http('/alerts?city=NYC&hours=720')) as { items: Array<{ event_id: string }> };
      expect(alerts.items.map((a) => a.event_id.slice(-2))).toEqual(['02', '04', '03']);
      const events12 = (await http('/events/NYC?limit=1000')) as { count: number };
      expect(events12.count).toBe(6); // the 7th NYC event is 40 days old
    });

    /** Every list with its CLI arguments, API path and the oracle's whole list (one page of 1000). */
    const lists = (): Array<[string[], string, Array<unknown>]> => {
      const agg = (q: Omit<Parameters<typeof expectedAggregations>[2], 'limit'>) =>
        expectedAggregations(events, now, { ...q, limit: 1000 }, TTL_DAYS, isFinal).items;
      const hourAgo = new Date(now.getTime() - 3_600_000).toISOString();
      return [
        [['events', 'NYC'], '/events/NYC', expectedEvents(events, now, 'NYC', 1000).items],
        [['events', 'San Jose'], '/events/San%20Jose', expectedEvents(events, now, 'San Jose', 1000).items],
        [
          ['alerts', '--hours', '720'],
          '/alerts?hours=720',
          expectedAlerts(events, now, { hours: 720 }).items,
        ],
        [
          ['alerts', '--city', 'NYC', '--hours', '48'],
          '/alerts?city=NYC&hours=48',
          expectedAlerts(events, now, { city: 'NYC', hours: 48 }).items,
        ],
        [['aggregations'], '/aggregations', agg({})],
        [['aggregations', '--city', 'NYC'], '/aggregations?city=NYC', agg({ city: 'NYC' })],
        [
          ['aggregations', '--city', 'NYC', '--type', 'traffic'],
          '/aggregations?city=NYC&event_type=traffic',
          agg({ city: 'NYC', type: 'traffic' }),
        ],
        [['aggregations', '--type', 'traffic'], '/aggregations?event_type=traffic', agg({ type: 'traffic' })],
        [['aggregations', '--from', hourAgo], `/aggregations?from=${hourAgo}`, agg({ from: hourAgo })],
      ];
    };

    it("paging through every list with `next` gives exactly the oracle's items, once each", async () => {
      for (const [, path, all] of lists()) {
        expect(all.length, path).toBeGreaterThan(1);
        for (const limit of [1, 2, 3]) {
          const got: unknown[] = [];
          let next: string | undefined;
          let pages = 0;
          do {
            const sep = path.includes('?') ? '&' : '?';
            const url = `${path}${sep}limit=${limit}${next ? `&next=${next}` : ''}`;
            const doc = (await http(url)) as { count: number; items: unknown[]; next?: string };
            expect(doc.count, url).toBe(doc.items.length);
            expect(doc.items.length, url).toBeLessThanOrEqual(limit);
            got.push(...doc.items);
            next = doc.next;
            pages += 1;
          } while (next !== undefined && pages <= all.length);
          expect(got, `${path} limit ${limit}`).toEqual(all);
          expect(pages, `${path} limit ${limit}`).toBe(Math.max(1, Math.ceil(all.length / limit)));
        }
      }
    });

    it('query --all prints every page as one list; --next continues where a page stopped', async () => {
      for (const [args, path, all] of lists()) {
        expect(await cli('query', ...args, '--limit', '2', '--all'), path).toEqual({
          count: all.length,
          items: all,
        });
        const first = (await cli('query', ...args, '--limit', '1')) as { next?: string };
        expect(first.next, path).toBeDefined();
        const second = (await cli('query', ...args, '--limit', '1', '--next', first.next!)) as {
          items: unknown[];
        };
        expect(second.items, path).toEqual(all.slice(1, 2));
      }
    });

    it('refuses a bad paging token with a 400 naming `next`, and exit 2 on the CLI', async () => {
      const foreign = ((await http('/aggregations?limit=1')) as { next: string }).next;
      for (const path of ['/events/NYC?next=%21', '/alerts?next=bm9wZQ', `/events/NYC?next=${foreign}`]) {
        const res = await fetch(`${api.url}/api/v1${path}`);
        expect(res.status, path).toBe(400);
        expect(await res.json(), path).toMatchObject({ error: 'invalid_parameter', parameter: 'next' });
      }
      const bad = await runCliRaw(['query', 'alerts', '--next', 'bm9wZQ', '--endpoint', ep.endpoint], {
        cwd,
      }).catch((e: unknown) => e);
      expect(bad).toMatchObject({ exitCode: 2 });
    });

    it('prints tables without --json', async () => {
      const { stdout } = await runCliRaw(['query', 'cities', '--endpoint', ep.endpoint, '--prefix', prefix], {
        cwd,
      });
      expect(stdout).toMatch(/NYC\s*│\s*6/);
      const stats = await runCliRaw(['query', 'stats', '--endpoint', ep.endpoint, '--prefix', prefix], {
        cwd,
      });
      expect(stats.stdout).toMatch(/events\s*│\s*10/);
    });

    it('the read functions answer more variants exactly (limits cutting ties, ranges, empty cities)', async () => {
      const read: ReadContext = { client: readClient, tables: tableNames(prefix), now, ttlDays: TTL_DAYS };
      expect(await recentEvents(read, 'NYC', 3)).toEqual(expectedEvents(events, now, 'NYC', 3));
      expect(await recentEvents(read, 'San Jose', 1)).toEqual(expectedEvents(events, now, 'San Jose', 1));
      for (const q of [{ hours: 720 }, { city: 'LA', hours: 720 }, { city: 'Nowhere', hours: 24 }])
        expect(await recentAlerts(read, q), JSON.stringify(q)).toEqual(expectedAlerts(events, now, q));
      expect(await citySummary(read, 'San Jose')).toEqual(expectedSummary(events, now, 'San Jose'));
      expect(await citySummary(read, 'Nowhere')).toEqual(expectedSummary(events, now, 'Nowhere'));
      const from = new Date(now.getTime() - 3_600_000).toISOString();
      const groupStart = windowStartOf(events[2]!);
      expect(
        expectedAggregations(events, now, { limit: 2, to: groupStart }, TTL_DAYS).items.map(
          (w) => w.window_start,
        ),
      ).toEqual([groupStart, groupStart]);
      for (const q of [
        { limit: 1 },
        // Events 3 and 4 share a timestamp: their two windows start together, and limit 1 cuts the group.
        { limit: 1, to: groupStart },
        { limit: 2, to: groupStart },
        { limit: 1000 },
        { city: 'NYC', limit: 10 },
        { city: 'NYC', type: 'traffic', limit: 1 },
        { city: 'NYC', limit: 10, from },
        { type: 'incident', limit: 10 },
        { limit: 10, from: new Date(now.getTime() - 50 * 86_400_000).toISOString() },
        { city: 'NYC', limit: 10, from: new Date(now.getTime() - 50 * 86_400_000).toISOString() },
      ])
        expect(await aggregations(read, q), JSON.stringify(q)).toEqual(
          expectedAggregations(events, now, q, TTL_DAYS, isFinal),
        );
    });

    it('reads send only Query, GetItem and BatchGetItem (and one DescribeTable for health)', async () => {
      sent.length = 0;
      readSent.length = 0;
      for (const [, path] of cases()) await http(path);
      await http('/health');
      const read: ReadContext = { client: readClient, tables: tableNames(prefix), now, ttlDays: TTL_DAYS };
      await recentEvents(read, 'NYC', 5);
      await recentAlerts(read, { hours: 720 });
      await citySummary(read, 'NYC');
      await aggregations(read, { limit: 1, to: windowStartOf(events[2]!) });
      expect(readSent).toContain('QueryCommand');
      expect(readSent.filter((n) => !READ_COMMANDS.has(n))).toEqual([]);
      expect(sent).toContain('QueryCommand');
      expect(sent.filter((n) => !READ_COMMANDS.has(n) && n !== 'DescribeTableCommand')).toEqual([]);
      expect(sent.filter((n) => n === 'DescribeTableCommand')).toHaveLength(1);
    });
  });
}
