/**
 * How the patched dynalite writes (patches/dynalite+4.0.0.patch): an item and its index entries go in one
 * LevelDB batch, the writes that arrive while a batch is on its way share the next one (group commit), and
 * an item is read in place under its lock. What must hold: a write under a lock sees every write
 * acknowledged before it, an index never keeps an entry its item moved away from, and an acknowledged write
 * survives a kill -9 of the embedded DynamoDB. The in-memory cases run on dynalite and on DynamoDB Local
 * (AWS's emulator: the same answers are expected of both); the crash case runs on the embedded DynamoDB,
 * LevelDB on disk in its own process.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../src/clients/dynamodb.js';
import { startEmbeddedDynamo } from '../../src/clients/embedded-dynamodb.js';
import { configFor, dynamoEndpoints } from '../support/dynamo-endpoints.js';

/** A table keyed by `id`, with a global index on `group` + `id` that projects everything. */
async function createIndexedTable(client: DynamoDBClient, table: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'id', AttributeType: 'S' },
        { AttributeName: 'group', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'by-group',
          KeySchema: [
            { AttributeName: 'group', KeyType: 'HASH' },
            { AttributeName: 'id', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
}

/** Every item the index holds for a group, all pages. */
async function inGroup(
  client: DynamoDBClient,
  table: string,
  group: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: QueryCommand['input']['ExclusiveStartKey'];
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: table,
        IndexName: 'by-group',
        KeyConditionExpression: '#g = :g',
        ExpressionAttributeNames: { '#g': 'group' },
        ExpressionAttributeValues: marshall({ ':g': group }),
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** BatchWriteItem puts of `{ id, group, n }`, 25 to a request, all requests at once. */
async function putAll(
  client: DynamoDBClient,
  table: string,
  items: Record<string, unknown>[],
): Promise<void> {
  const requests = [];
  for (let i = 0; i < items.length; i += 25) {
    const RequestItems = {
      [table]: items.slice(i, i + 25).map((item) => ({ PutRequest: { Item: marshall(item) } })),
    };
    requests.push(client.send(new BatchWriteItemCommand({ RequestItems })));
  }
  for (const { UnprocessedItems } of await Promise.all(requests)) expect(UnprocessedItems ?? {}).toEqual({});
}

const ids = (items: Record<string, unknown>[]) => items.map((item) => item.id).sort();

for (const ep of dynamoEndpoints()) {
  describe.skipIf(ep.skip)(`writes with a secondary index on ${ep.name}`, () => {
    const table = `writes${process.pid}-${ep.name}`;
    beforeAll(() => createIndexedTable(ep.client, table));

    it('moves and removes index entries with their items, concurrent batches and single writes alike', async () => {
      const items = Array.from({ length: 100 }, (_, i) => ({
        id: `m${String(i).padStart(3, '0')}`,
        group: 'a',
        n: i,
      }));
      await putAll(ep.client, table, items);
      // Items 0–29 move to group b, 30–44 are deleted, all 45 requests at once.
      await Promise.all([
        ...items.slice(0, 30).map(({ id }) =>
          ep.client.send(
            new UpdateItemCommand({
              TableName: table,
              Key: marshall({ id }),
              UpdateExpression: 'SET #g = :g',
              ExpressionAttributeNames: { '#g': 'group' },
              ExpressionAttributeValues: marshall({ ':g': 'b' }),
            }),
          ),
        ),
        ...items
          .slice(30, 45)
          .map(({ id }) =>
            ep.client.send(new DeleteItemCommand({ TableName: table, Key: marshall({ id }) })),
          ),
      ]);
      expect(ids(await inGroup(ep.client, table, 'a'))).toEqual(ids(items.slice(45)));
      const b = await inGroup(ep.client, table, 'b');
      expect(ids(b)).toEqual(ids(items.slice(0, 30)));
      expect(b.find((item) => item.id === 'm007')).toEqual({ id: 'm007', group: 'b', n: 7 });
    });

    it('moves and removes index entries with BatchWriteItem puts and deletes, and refuses a bad batch whole', async () => {
      const items = Array.from({ length: 50 }, (_, i) => ({
        id: `w${String(i).padStart(3, '0')}`,
        group: 'c',
        n: i,
      }));
      await putAll(ep.client, table, items);
      // One batch per 25: items 0–19 replaced into group d, 20–29 deleted, the rest untouched.
      const writes = [
        ...items.slice(0, 20).map((item) => ({ PutRequest: { Item: marshall({ ...item, group: 'd' }) } })),
        ...items.slice(20, 30).map(({ id }) => ({ DeleteRequest: { Key: marshall({ id }) } })),
      ];
      const answers = await Promise.all(
        [writes.slice(0, 25), writes.slice(25)].map((part) =>
          ep.client.send(new BatchWriteItemCommand({ RequestItems: { [table]: part } })),
        ),
      );
      for (const { UnprocessedItems } of answers) expect(UnprocessedItems ?? {}).toEqual({});
      expect(ids(await inGroup(ep.client, table, 'c'))).toEqual(ids(items.slice(30)));
      expect(ids(await inGroup(ep.client, table, 'd'))).toEqual(ids(items.slice(0, 20)));

      // A batch with one bad request writes none of it: a key twice, an item without its key.
      const refused = async (part: object[]) => {
        const err = await ep.client
          .send(new BatchWriteItemCommand({ RequestItems: { [table]: part as never } }))
          .then(
            () => undefined,
            (e: unknown) => e as { name?: string },
          );
        return err?.name;
      };
      const fresh = { PutRequest: { Item: marshall({ id: 'w900', group: 'e', n: 1 }) } };
      expect(await refused([fresh, { DeleteRequest: { Key: marshall({ id: 'w900' }) } }])).toBe(
        'ValidationException',
      );
      expect(await refused([fresh, { PutRequest: { Item: marshall({ group: 'e', n: 2 }) } }])).toBe(
        'ValidationException',
      );
      expect(await inGroup(ep.client, table, 'e')).toEqual([]);
    });

    it('lets each locked read see every write acknowledged before it: 400 concurrent increments on 8 items', async () => {
      const counters = Array.from({ length: 8 }, (_, i) => `c${i}`);
      await Promise.all(
        Array.from({ length: 400 }, (_, i) =>
          ep.client.send(
            new UpdateItemCommand({
              TableName: table,
              Key: marshall({ id: counters[i % counters.length] }),
              UpdateExpression: 'ADD n :one SET #g = :g',
              ExpressionAttributeNames: { '#g': 'group' },
              ExpressionAttributeValues: marshall({ ':one': 1, ':g': `g${i % 2}` }),
            }),
          ),
        ),
      );
      // Each counter got 50 increments, always with the same group (i % 8 fixes i % 2).
      const stored = [...(await inGroup(ep.client, table, 'g0')), ...(await inGroup(ep.client, table, 'g1'))];
      expect(stored.map(({ id, n }) => [id, n]).sort()).toEqual(counters.map((id) => [id, 50]));
    });

    // dynalite keeps parsed expressions and reuses them with each request's own values: repeats of one
    // expression must still be judged on their values, and names and values left unused still refused.
    it('judges each repeat of one conditional expression on its own values', async () => {
      const put = (id: string, v: string) =>
        ep.client
          .send(
            new PutItemCommand({
              TableName: table,
              Item: marshall({ id, group: 'x', v }),
              ConditionExpression: 'attribute_not_exists(#id) OR #v = :v',
              ExpressionAttributeNames: { '#id': 'id', '#v': 'v' },
              ExpressionAttributeValues: marshall({ ':v': v }),
            }),
          )
          .then(
            () => 'stored',
            (err: Error) => err.name,
          );
      const verdicts: string[] = [];
      for (let round = 0; round < 4; round += 1) {
        verdicts.push(await put(`r${round}`, `first${round}`));
        verdicts.push(await put(`r${round}`, `first${round}`));
        verdicts.push(await put(`r${round}`, `other${round}`));
      }
      expect(verdicts).toEqual(
        Array.from({ length: 4 }, () => ['stored', 'stored', 'ConditionalCheckFailedException']).flat(),
      );
    });

    it('refuses an unused attribute value every time, also beside an expression that is reused', async () => {
      const update = (n: number, extra: Record<string, number>) =>
        ep.client
          .send(
            new UpdateItemCommand({
              TableName: table,
              Key: marshall({ id: 'u1' }),
              UpdateExpression: 'SET #n = :n',
              ConditionExpression: 'attribute_not_exists(#n) OR #n < :n',
              ExpressionAttributeNames: { '#n': 'n' },
              ExpressionAttributeValues: marshall({ ':n': n, ...extra }),
            }),
          )
          .then(
            () => 'updated',
            (err: Error) => `${err.name}: ${/unused/.test(err.message) ? 'unused' : err.message}`,
          );
      const answers: string[] = [];
      for (let n = 1; n <= 3; n += 1) {
        answers.push(await update(n, {}));
        answers.push(await update(n + 10, { ':x': 1 }));
      }
      expect(answers).toEqual(
        Array.from({ length: 3 }, () => ['updated', 'ValidationException: unused']).flat(),
      );
    });
  });
}

describe('the embedded DynamoDB (LevelDB on disk) under kill -9', () => {
  const dirs: string[] = [];
  const stops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged write, each item with its index entry', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'citystream-writes-'));
    dirs.push(dataDir);
    const first = await startEmbeddedDynamo({ host: '127.0.0.1', port: 0, dataDir });
    stops.push(() => first.close().catch(() => {}));
    let client = createDynamoClient(configFor(first.endpoint));
    await createIndexedTable(client, 'crash');
    const items = Array.from({ length: 1_000 }, (_, i) => ({
      id: `k${String(i).padStart(4, '0')}`,
      group: `g${i % 4}`,
      n: i,
    }));
    await putAll(client, 'crash', items);
    client.destroy();
    process.kill(first.pid, 'SIGKILL');
    await expect(first.exited).rejects.toThrow();

    const second = await startEmbeddedDynamo({ host: '127.0.0.1', port: 0, dataDir });
    stops.push(() => second.close());
    client = createDynamoClient(configFor(second.endpoint));
    const stored = (
      await Promise.all(['g0', 'g1', 'g2', 'g3'].map((g) => inGroup(client, 'crash', g)))
    ).flat();
    client.destroy();
    expect(stored).toHaveLength(1_000);
    expect(ids(stored)).toEqual(ids(items));
    expect(stored.find((item) => item.id === 'k0421')).toEqual({ id: 'k0421', group: 'g1', n: 421 });
  });
});
