import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDynamoClient } from '../../src/clients/dynamodb.js';
import { startApi, type RunningApi } from '../../src/api/index.js';
import { createTables } from '../../src/store/tables.js';
import { tableNames } from '../../src/store/table-definitions.js';
import { configFor, freshPrefix, startDynalite, type StartedEndpoint } from '../support/dynamo-endpoints.js';
import { writeThroughWriters } from '../queries/writer-fixture.js';
import { buildDataSet, TTL_DAYS } from '../queries/read-data-set.js';

// Identical list requests that arrive while a read for them is under way share it (docs/api.md,
// "Freshness"). The DynamoDB client holds every Query's answer at a gate the test opens, so "under way"
// is a state the test controls rather than a race it hopes to win.
let dynamo: StartedEndpoint;
let client: DynamoDBClient;
let api: RunningApi;
let queries = 0;
let gate: Promise<void> = Promise.resolve();
let open: () => void = () => {};

function closeGate() {
  gate = new Promise<void>((resolve) => (open = resolve));
}

async function sharedReads(route: string): Promise<number> {
  const text = await (await fetch(`${api.url}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`citystream_api_shared_reads_total{route="${route}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

beforeAll(async () => {
  dynamo = await startDynalite();
  const prefix = freshPrefix('shared');
  const config = configFor(dynamo.endpoint, { prefix, ttlDays: TTL_DAYS });
  client = createDynamoClient(config);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'QueryCommand') return next(args);
      queries += 1;
      const result = await next(args);
      await gate;
      return result;
    },
    { step: 'initialize', name: 'testQueryGate' },
  );
  await createTables(client, { prefix, billing: { mode: 'on-demand' } });
  const now = new Date();
  await writeThroughWriters(client, tableNames(prefix), buildDataSet(now), now);
  api = await startApi({ client, config, host: '127.0.0.1', port: 0, consoleDir: null, pollMs: 0 });
});

afterAll(async () => {
  open();
  await api?.close();
  client?.destroy();
  await dynamo?.stop();
});

describe('API > shared reads', () => {
  it('answers identical requests that arrive during a read from that read, and reads again after it', async () => {
    const path = '/api/v1/events/NYC?limit=5';
    const alone = await (await fetch(api.url + path)).json();
    const perRead = queries;
    expect(perRead).toBeGreaterThan(0);

    closeGate();
    const first = fetch(api.url + path);
    await vi.waitFor(() => expect(queries).toBeGreaterThan(perRead), { timeout: 10_000 }); // it is reading
    const before = await sharedReads('/api/v1/events/:city');
    const rest = Array.from({ length: 7 }, () => fetch(api.url + path));
    await vi.waitFor(async () => expect(await sharedReads('/api/v1/events/:city')).toBe(before + 7), {
      timeout: 10_000,
    });
    open();
    const bodies = await Promise.all([first, ...rest].map(async (r) => (await r).json()));
    expect(bodies).toEqual(Array.from({ length: 8 }, () => alone));
    expect(queries).toBe(2 * perRead); // eight requests, one read

    await fetch(api.url + path);
    expect(queries).toBe(3 * perRead); // the read settled: the next request reads afresh
  });
});
