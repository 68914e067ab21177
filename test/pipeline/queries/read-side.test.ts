import { describe, expect, it, beforeAll } from 'vitest';
import { createDynamoClient } from '../../../src/infra/dynamodb.js';
import {
  aggregations,
  cities,
  citySummary,
  recentAlerts,
  recentEvents,
  stats,
  type ReadContext,
} from '../../../src/pipeline/queries/index.js';
import { tableNames } from '../../../src/pipeline/table-definitions.js';
import { createTables } from '../../../src/pipeline/tables.js';
import { dynamoEndpoints, freshPrefix } from '../../support/dynamo-endpoints.js';
import { READ_COMMANDS, recordCommands } from './command-recorder.js';
import {
  expectedAggregations,
  expectedAlerts,
  expectedCities,
  expectedEvents,
  expectedStats,
  expectedSummary,
} from './expected-answers.js';
import { putDataSet } from './put-fixture.js';
import { buildDataSet, TTL_DAYS } from './read-data-set.js';

// The read functions on their own, against items put in the documented layout; the integration suite
// (test/integration/read-side.test.ts) covers the same reads through the writer, the CLI and the API.
for (const ep of dynamoEndpoints()) {
  describe.skipIf(ep.skip)(`read side on ${ep.name}`, () => {
    const now = new Date();
    const events = buildDataSet(now);
    let read: ReadContext;
    let sent: string[];

    beforeAll(async () => {
      const prefix = freshPrefix('rs');
      await createTables(ep.client, { prefix, billing: { mode: 'on-demand' } });
      const tables = tableNames(prefix);
      await putDataSet(ep.client, tables, events);
      const client = createDynamoClient(ep.config);
      sent = recordCommands(client);
      read = { client, tables, now, ttlDays: TTL_DAYS };
    });

    it('recentEvents: newest first, merged over the shards, expired events left out', async () => {
      expect(await recentEvents(read, 'NYC', 20)).toEqual(expectedEvents(events, now, 'NYC', 20));
      expect(await recentEvents(read, 'NYC', 3)).toEqual(expectedEvents(events, now, 'NYC', 3));
      expect(await recentEvents(read, 'San Jose', 1)).toEqual(expectedEvents(events, now, 'San Jose', 1));
      expect(await recentEvents(read, 'Nowhere', 5)).toEqual({ count: 0, items: [] });
      expect((await recentEvents(read, 'NYC', 20)).count).toBe(6);
    });

    it('recentAlerts: by city and over all cities, alerts sharing a timestamp both kept', async () => {
      for (const q of [
        { hours: 24 },
        { hours: 48 },
        { city: 'NYC', hours: 24 },
        { city: 'LA', hours: 1 },
        { city: 'LA', hours: 720 },
      ]) {
        expect(await recentAlerts(read, q), JSON.stringify(q)).toEqual(expectedAlerts(events, now, q));
      }
      const nyc = await recentAlerts(read, { city: 'NYC', hours: 24 });
      expect(nyc.items.map((a) => a.event_id)).toEqual([
        '00000000-0000-4000-8000-000000000002',
        '00000000-0000-4000-8000-000000000004',
        '00000000-0000-4000-8000-000000000003',
      ]);
      expect((await recentAlerts(read, { hours: 720, limit: 2 })).count).toBe(2);
    });

    it('stats, cities and summary from the rollups, days older than the TTL left out', async () => {
      expect(await stats(read)).toEqual(expectedStats(events, now));
      expect(await cities(read)).toEqual(expectedCities(events, now));
      expect(await cities(read)).toEqual([
        { city: 'NYC', event_count: 6 },
        { city: 'LA', event_count: 2 },
        { city: 'San Jose', event_count: 2 },
      ]);
      for (const city of ['NYC', 'LA', 'San Jose', 'Nowhere'])
        expect(await citySummary(read, city)).toEqual(expectedSummary(events, now, city));
    });

    it('aggregations: by key, by city, over all cities, with ranges and limits', async () => {
      const from = new Date(now.getTime() - 3_600_000).toISOString();
      const to = new Date(now.getTime() - 15 * 60_000).toISOString();
      const queries = [
        { limit: 10 },
        { limit: 3 },
        { limit: 1000 },
        { city: 'NYC', limit: 10 },
        { city: 'NYC', type: 'traffic', limit: 10 },
        { city: 'NYC', type: 'traffic', limit: 1 },
        { type: 'traffic', limit: 10 },
        { limit: 10, from, to },
        { city: 'NYC', limit: 10, from },
        { limit: 10, from: new Date(now.getTime() - 50 * 86_400_000).toISOString() },
      ];
      for (const q of queries)
        expect(await aggregations(read, q), JSON.stringify(q)).toEqual(
          expectedAggregations(events, now, q, TTL_DAYS),
        );
    });

    it('sends only Query, GetItem and BatchGetItem', () => {
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.filter((name) => !READ_COMMANDS.has(name))).toEqual([]);
    });
  });
}
