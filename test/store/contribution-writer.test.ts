import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../src/clients/dynamodb.js';
import { rollupItemKey, windowItemKey } from '../../src/store/contribution-entries.js';
import { ContributionWriter, readContribution } from '../../src/store/contribution-writer.js';
import type { Contribution, RollupKey, WindowKey } from '../../src/store/contribution.js';
import { tableNames, type TableNames } from '../../src/store/table-definitions.js';
import { createTables } from '../../src/store/tables.js';
import { dynamoEndpoints } from '../support/dynamo-endpoints.js';
import { injectFaults } from '../support/dynamo-faults.js';

const FAST = { baseMs: 1, capMs: 4, totalMs: 10_000 };
const START = Date.parse('2026-11-22T18:05:00.000Z');

let windowCounter = 0;
function freshWindow(city = 'NYC'): WindowKey {
  windowCounter += 1;
  const startMs = START + windowCounter * 300_000;
  return { city, eventType: 'traffic', window: { startMs, endMs: startMs + 300_000 } };
}

const win = (o: number, counts: Record<string, number>, final = false): Contribution => ({
  o,
  counts,
  final,
});

for (const ep of dynamoEndpoints()) {
  describe.skipIf(ep.skip)(`ContributionWriter on ${ep.name}`, () => {
    let tables: TableNames;
    let writer: ContributionWriter;
    beforeAll(async () => {
      await createTables(ep.client, {
        prefix: ep.config.prefix,
        billing: { mode: 'on-demand' },
        kinds: ['aggregations', 'rollups'],
        pollMs: 20,
      });
      tables = tableNames(ep.config.prefix);
      writer = new ContributionWriter(ep.client, tables, { policy: FAST });
    });

    async function windowItem(key: WindowKey) {
      const { Item } = await ep.client.send(
        new GetItemCommand({
          TableName: tables.aggregations,
          Key: marshall(windowItemKey(key)),
          ConsistentRead: true,
        }),
      );
      return Item ? unmarshall(Item) : undefined;
    }

    it('creates a window item from a first contribution, with zeroed severities', async () => {
      const key = freshWindow();
      const next = win(41, { event_count: 3, high: 2, low: 1 });
      expect(await writer.writeWindow(0, { key, previous: null, next })).toEqual({ status: 'applied' });
      const item = await windowItem(key);
      expect(item).toEqual({
        agg_key: 'NYC#traffic',
        window_start: new Date(key.window.startMs).toISOString(),
        window_end: new Date(key.window.endMs).toISOString(),
        window_day: '2026-11-22',
        city: 'NYC',
        event_type: 'traffic',
        event_count: 3,
        low: 1,
        medium: 0,
        high: 2,
        critical: 0,
        final: false,
        open_parts: 1,
        p_0: { o: 41, f: false, event_count: 3, high: 2, low: 1 },
      });
      expect(await writer.readWindows(0, [key])).toEqual([next]);
      expect(await writer.readWindows(1, [key])).toEqual([null]);
    });

    it('refuses a replayed update and reports what is stored, leaving totals exact', async () => {
      const key = freshWindow();
      const first = win(10, { event_count: 2, medium: 2 });
      await writer.writeWindow(3, { key, previous: null, next: first });
      const replay = await writer.writeWindow(3, { key, previous: null, next: first });
      expect(replay).toEqual({ status: 'conflict', stored: first });
      const second = win(12, { event_count: 4, medium: 3, critical: 1 });
      expect(await writer.writeWindow(3, { key, previous: first, next: second })).toEqual({
        status: 'applied',
      });
      // The same step again (a crash after the write, before the commit): refused, not counted twice.
      const again = await writer.writeWindow(3, { key, previous: first, next: second });
      expect(again).toEqual({ status: 'conflict', stored: second });
      const item = await windowItem(key);
      expect([item?.event_count, item?.medium, item?.critical]).toEqual([4, 3, 1]);
    });

    it('treats an unchanged entry as nothing to write', async () => {
      const key = freshWindow();
      const entry = win(5, { event_count: 1, low: 1 });
      await writer.writeWindow(0, { key, previous: null, next: entry });
      expect(await writer.writeWindow(0, { key, previous: entry, next: { ...entry } })).toEqual({
        status: 'unchanged',
      });
    });

    it('sums partitions, and is final only once every contributing partition is', async () => {
      const key = freshWindow('Boston');
      const a1 = win(7, { event_count: 2, high: 2 });
      const b1 = win(3, { event_count: 1, low: 1 });
      await writer.writeAll(0, [{ key, previous: null, next: a1 }], []);
      await writer.writeAll(1, [{ key, previous: null, next: b1 }], []);
      let item = await windowItem(key);
      expect([item?.event_count, item?.high, item?.low, item?.final]).toEqual([3, 2, 1, false]);

      const a2 = { ...a1, final: true };
      expect(await writer.writeWindow(0, { key, previous: a1, next: a2 })).toEqual({ status: 'applied' });
      item = await windowItem(key);
      expect([item?.final, item?.open_parts]).toEqual([false, 1]);

      const b2 = win(9, { event_count: 2, low: 2 }, true);
      await writer.writeWindow(1, { key, previous: b1, next: b2 });
      item = await windowItem(key);
      expect([item?.event_count, item?.low, item?.final, item?.open_parts]).toEqual([4, 2, true, 0]);
    });

    it('detects a competing writer whose entry differs from the caller’s previous', async () => {
      const key = freshWindow();
      const mine = win(20, { event_count: 1, low: 1 });
      await writer.writeWindow(2, { key, previous: null, next: mine });
      const theirs = win(25, { event_count: 2, low: 2 });
      await writer.writeWindow(2, { key, previous: mine, next: theirs });
      const stale = await writer.writeWindow(2, {
        key,
        previous: mine,
        next: win(22, { event_count: 3, low: 3 }),
      });
      expect(stale).toEqual({ status: 'conflict', stored: theirs });
      expect((await windowItem(key))?.event_count).toBe(2);
    });

    it('writes rollups with type, severity and city counters and first/last times', async () => {
      const key: RollupKey = { scope: '*', day: '2026-11-21' };
      const p0: Contribution = {
        o: 100,
        counts: { event_count: 2, alert_count: 1, t_traffic: 2, s_high: 1, s_low: 1, 'c_New York': 2 },
        first: '2026-11-21T01:00:00.000Z',
        last: '2026-11-21T02:00:00.000Z',
      };
      const p1: Contribution = {
        o: 4,
        counts: { event_count: 1, t_weather: 1, s_low: 1, c_LA: 1 },
        first: '2026-11-21T00:30:00.000Z',
        last: '2026-11-21T00:30:00.000Z',
      };
      const out = await writer.writeAll(0, [], [{ key, previous: null, next: p0 }]);
      expect(out).toEqual({ windows: [], rollups: [{ status: 'applied' }], conflicts: 0 });
      await writer.writeRollup(1, { key, previous: null, next: p1 });
      const p0b: Contribution = {
        ...p0,
        o: 101,
        counts: { ...p0.counts, event_count: 3, t_traffic: 3, s_low: 2, 'c_New York': 3 },
      };
      await writer.writeRollup(0, { key, previous: p0, next: p0b });
      const { Item } = await ep.client.send(
        new GetItemCommand({
          TableName: tables.rollups,
          Key: marshall(rollupItemKey(key)),
          ConsistentRead: true,
        }),
      );
      const row = unmarshall(Item ?? {});
      expect(row).toMatchObject({
        event_count: 4,
        alert_count: 1,
        t_traffic: 3,
        t_weather: 1,
        s_high: 1,
        s_low: 3,
        'c_New York': 3,
        c_LA: 1,
      });
      expect(await readContribution(ep.client, tables.rollups, rollupItemKey(key), 1)).toEqual(p1);
      expect(await writer.readRollups(0, [key, { scope: 'nowhere', day: '2026-11-21' }])).toEqual([
        p0b,
        null,
      ]);
    });

    it('retries a throttled update and applies it exactly once', async () => {
      const client = createDynamoClient(ep.config, { maxAttempts: 1 });
      const recorder = injectFaults(client, { command: 'UpdateItemCommand', throttleFirst: 2 });
      const faulty = new ContributionWriter(client, tables, { policy: FAST });
      const key = freshWindow();
      const next = win(1, { event_count: 5, critical: 5 });
      expect(await faulty.writeWindow(0, { key, previous: null, next })).toEqual({ status: 'applied' });
      expect(recorder.calls).toBe(3);
      expect((await windowItem(key))?.critical).toBe(5);
      client.destroy();
    });

    it('finds a partition’s open windows in a time range through the by-day index', async () => {
      const open = freshWindow('Seattle');
      const closed = freshWindow('Seattle');
      const other = freshWindow('Seattle');
      await writer.writeWindow(6, { key: open, previous: null, next: win(1, { event_count: 1, low: 1 }) });
      await writer.writeWindow(6, {
        key: closed,
        previous: null,
        next: win(2, { event_count: 1, low: 1 }, true),
      });
      await writer.writeWindow(7, { key: other, previous: null, next: win(3, { event_count: 1, low: 1 }) });
      const found = await writer.readOpenWindows(6, {
        fromMs: open.window.startMs - 1,
        toMs: other.window.startMs,
      });
      expect(found).toEqual([{ key: open, entry: win(1, { event_count: 1, low: 1 }) }]);
      await expect(writer.readOpenWindows(6, { fromMs: 0, toMs: Date.now() })).rejects.toThrow(
        /more than 31 days/,
      );
    });

    it('counts a final entry as open while its window item is not final, so a restore writes it again', async () => {
      const shared = freshWindow('Seattle');
      await writer.writeWindow(7, { key: shared, previous: null, next: win(1, { event_count: 1, low: 1 }) });
      await writer.writeWindow(6, {
        key: shared,
        previous: null,
        next: win(2, { event_count: 1, high: 1 }, true),
      });
      const range = { fromMs: shared.window.startMs, toMs: shared.window.startMs };
      // Partition 7 keeps the item open, so partition 6's final entry is still to be restored.
      expect(await writer.readOpenWindows(6, range)).toEqual([
        { key: shared, entry: win(2, { event_count: 1, high: 1 }, true) },
      ]);
      await writer.writeWindow(7, {
        key: shared,
        previous: win(1, { event_count: 1, low: 1 }),
        next: win(1, { event_count: 1, low: 1 }, true),
      });
      // Every entry final and the item final: nothing of it is open any more.
      expect(await writer.readOpenWindows(6, range)).toEqual([]);
    });

    it('reads many windows at once, in the order asked, duplicates included', async () => {
      const keys = [freshWindow(), freshWindow(), freshWindow()];
      const entries = keys.map((_, i) => win(i, { event_count: i + 1 }));
      await writer.writeAll(
        4,
        keys.map((key, i) => ({ key, previous: null, next: entries[i] as Contribution })),
        [],
      );
      const read = await writer.readWindows(4, [
        keys[2] as WindowKey,
        keys[0] as WindowKey,
        keys[2] as WindowKey,
      ]);
      expect(read).toEqual([entries[2], entries[0], entries[2]]);
    });
  });
}
