import { BatchGetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../src/clients/dynamodb.js';
import { BatchWriter, planBatches, type TableWrite } from '../../src/store/batch-writer.js';
import type { BackoffPolicy, RetryClock } from '../../src/store/retry.js';
import { tableNames } from '../../src/store/table-definitions.js';
import { createTables } from '../../src/store/tables.js';
import { ServiceError } from '../../src/errors.js';
import { dynamoEndpoints } from '../support/dynamo-endpoints.js';
import { injectFaults } from '../support/dynamo-faults.js';

const FAST: BackoffPolicy = { baseMs: 1, capMs: 4, totalMs: 10_000 };

function rollupWrite(table: string, n: number, from = 0, label = 'v'): TableWrite {
  return {
    table,
    key: ['scope', 'day'],
    items: Array.from({ length: n }, (_, i) => ({
      scope: `s${(from + i) % 7}`,
      day: `2026-11-${String(1 + ((from + i) % 28)).padStart(2, '0')}#${from + i}`,
      label,
    })),
  };
}

describe('planBatches', () => {
  it('makes batches of at most 25 and keeps the last put of a repeated key, in its first place', () => {
    const items = [
      { scope: 'a', day: '1', v: 1 },
      { scope: 'b', day: '1', v: 1 },
      { scope: 'a', day: '1', v: 2 },
    ];
    const batches = planBatches([{ table: 't', key: ['scope', 'day'], items }]);
    expect(batches).toHaveLength(1);
    expect(batches[0]?.map((p) => unmarshall(p.request.PutRequest?.Item ?? {}))).toEqual([
      { scope: 'a', day: '1', v: 2 },
      { scope: 'b', day: '1', v: 1 },
    ]);
    const many = planBatches([rollupWrite('t', 60), rollupWrite('u', 10)]);
    expect(many.map((b) => b.length)).toEqual([25, 25, 20]);
  });

  it('tells tables apart: the same key in two tables is two items', () => {
    const item = { scope: 'a', day: '1' };
    const batches = planBatches([
      { table: 't', key: ['scope', 'day'], items: [item] },
      { table: 'u', key: ['scope', 'day'], items: [item] },
    ]);
    expect(batches[0]).toHaveLength(2);
  });

  it('refuses an item without its key attributes', () => {
    expect(() => planBatches([{ table: 't', key: ['scope', 'day'], items: [{ scope: 'a' }] }])).toThrow(
      /day/,
    );
  });
});

for (const ep of dynamoEndpoints()) {
  describe.skipIf(ep.skip)(`BatchWriter on ${ep.name}`, () => {
    let rollups: string;
    let aggregations: string;
    beforeAll(async () => {
      await createTables(ep.client, {
        prefix: ep.config.prefix,
        billing: { mode: 'on-demand' },
        kinds: ['rollups', 'aggregations'],
        pollMs: 20,
      });
      ({ rollups, aggregations } = tableNames(ep.config.prefix));
    });

    async function stored(table: string, keys: Array<Record<string, string>>) {
      const out: Array<Record<string, unknown>> = [];
      for (let i = 0; i < keys.length; i += 100) {
        const result = await ep.client.send(
          new BatchGetItemCommand({
            RequestItems: {
              [table]: { Keys: keys.slice(i, i + 100).map((k) => marshall(k)), ConsistentRead: true },
            },
          }),
        );
        out.push(...(result.Responses?.[table] ?? []).map((item) => unmarshall(item)));
      }
      return out;
    }

    it('writes items to two tables in batches of at most 25', async () => {
      const client = createDynamoClient(ep.config);
      const recorder = injectFaults(client, { command: 'BatchWriteItemCommand' });
      const writes: TableWrite[] = [
        rollupWrite(rollups, 60, 1000),
        {
          table: aggregations,
          key: ['agg_key', 'window_start'],
          items: Array.from({ length: 7 }, (_, i) => ({ agg_key: `c#${i}`, window_start: 'w', n: i })),
        },
      ];
      const result = await new BatchWriter(client, { policy: FAST }).write(writes);
      expect(result).toEqual({ items: 67, requests: 3 });
      expect(recorder.batchSizes.sort((a, b) => a - b)).toEqual([17, 25, 25]);
      const keys = (writes[0]?.items ?? []).map((i) => {
        const { scope, day } = i as { scope: string; day: string };
        return { scope, day };
      });
      expect(await stored(rollups, keys)).toHaveLength(60);
      expect(await stored(aggregations, [{ agg_key: 'c#6', window_start: 'w' }])).toEqual([
        { agg_key: 'c#6', window_start: 'w', n: 6 },
      ]);
      client.destroy();
    });

    it('sends duplicate keys once, the last version winning (DynamoDB rejects duplicates in a batch)', async () => {
      const first = rollupWrite(rollups, 20, 2000, 'old');
      const second = rollupWrite(rollups, 20, 2000, 'new');
      const result = await new BatchWriter(ep.client, { policy: FAST }).write([first, second]);
      expect(result.items).toBe(20);
      const items = await stored(
        rollups,
        first.items.map((i) => ({ scope: (i as { scope: string }).scope, day: (i as { day: string }).day })),
      );
      expect(items.map((i) => i.label)).toEqual(Array(20).fill('new'));
    });

    it('retries UnprocessedItems until every item is stored', async () => {
      const client = createDynamoClient(ep.config);
      const recorder = injectFaults(client, { command: 'BatchWriteItemCommand', unprocessedFirst: 4 });
      const retries: number[] = [];
      const write = rollupWrite(rollups, 40, 3000);
      await new BatchWriter(client, {
        policy: FAST,
        concurrency: 1,
        metrics: { retry: (reason, n) => reason === 'unprocessed' && retries.push(n) },
      }).write([write]);
      expect(retries.length).toBeGreaterThanOrEqual(4);
      expect(recorder.calls).toBeGreaterThan(2);
      const keys = write.items.map((i) => ({
        scope: (i as { scope: string }).scope,
        day: (i as { day: string }).day,
      }));
      expect(await stored(rollups, keys)).toHaveLength(40);
      client.destroy();
    });

    it('retries throttling errors with backoff', async () => {
      const client = createDynamoClient(ep.config, { maxAttempts: 1 });
      const recorder = injectFaults(client, { command: 'BatchWriteItemCommand', throttleFirst: 3 });
      const reasons: string[] = [];
      const write = rollupWrite(rollups, 5, 4000);
      await new BatchWriter(client, {
        policy: FAST,
        metrics: { retry: (reason) => reasons.push(reason) },
      }).write([write]);
      expect(reasons).toEqual(['throttled', 'throttled', 'throttled']);
      expect(recorder.calls).toBe(4);
      client.destroy();
    });

    it('gives up with a clear ServiceError after the bounded time', async () => {
      const client = createDynamoClient(ep.config, { maxAttempts: 1 });
      injectFaults(client, { command: 'BatchWriteItemCommand', throttleFirst: Infinity });
      // A clock whose sleeps advance time instantly: the schedule runs out without real waiting.
      let now = 0;
      const clock: RetryClock = { now: () => now, sleep: async (ms) => void (now += ms), random: () => 0.99 };
      const err = await new BatchWriter(client, {
        policy: { baseMs: 100, capMs: 1000, totalMs: 5000 },
        clock,
      })
        .write([rollupWrite(rollups, 3, 5000)])
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ServiceError);
      expect((err as Error).message).toMatch(
        new RegExp(
          `^DynamoDB did not accept 3 items for ${rollups} within 5 s \\(\\d+ attempts; last: ProvisionedThroughputExceededException\\)$`,
        ),
      );
      client.destroy();
    });

    it('keeps at most `concurrency` requests in flight', async () => {
      const client = createDynamoClient(ep.config);
      const recorder = injectFaults(client, { command: 'BatchWriteItemCommand' });
      await new BatchWriter(client, { concurrency: 2 }).write([rollupWrite(rollups, 200, 6000)]);
      expect(recorder.calls).toBe(8);
      expect(recorder.maxInFlight).toBe(2);
      client.destroy();
    });
  });
}
