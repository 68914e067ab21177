/**
 * TransactWriteItems on the embedded DynamoDB: dynalite 4.0.0 has none, patches/dynalite+4.0.0.patch
 * adds it (the processor's claims go 100 to a transaction). Each case runs on dynalite and on DynamoDB
 * Local, AWS's own emulator, so the patched behaviour is held to AWS's.
 */
import {
  CreateTableCommand,
  GetItemCommand,
  ScanCommand,
  TransactWriteItemsCommand,
  type AttributeValue,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamoEndpoints } from '../support/dynamo-endpoints.js';

const key = (id: string) => marshall({ event_id: id, timestamp: 't' });
const putNew = (table: string, id: string, extra: Record<string, unknown> = {}): TransactWriteItem => ({
  Put: {
    TableName: table,
    Item: marshall({ event_id: id, timestamp: 't', ...extra }),
    ConditionExpression: 'attribute_not_exists(event_id)',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  },
});

async function refusal(promise: Promise<unknown>): Promise<{
  name?: string;
  message?: string;
  CancellationReasons?: Array<{ Code?: string; Item?: Record<string, AttributeValue> }>;
}> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'the request should have been refused').toBeDefined();
  return err as never;
}

for (const ep of dynamoEndpoints()) {
  describe.skipIf(ep.skip)(`TransactWriteItems on ${ep.name}`, () => {
    const table = `tx${process.pid}-${ep.name}`;
    const count = async () =>
      (await ep.client.send(new ScanCommand({ TableName: table, Select: 'COUNT', ConsistentRead: true })))
        .Count ?? 0;
    const get = async (id: string) => {
      const { Item } = await ep.client.send(
        new GetItemCommand({ TableName: table, Key: key(id), ConsistentRead: true }),
      );
      return Item ? unmarshall(Item) : undefined;
    };

    beforeAll(async () => {
      await ep.client.send(
        new CreateTableCommand({
          TableName: table,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'event_id', AttributeType: 'S' },
            { AttributeName: 'timestamp', AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: 'event_id', KeyType: 'HASH' },
            { AttributeName: 'timestamp', KeyType: 'RANGE' },
          ],
        }),
      );
    });

    it('100 conditional puts land in one request', async () => {
      const items = Array.from({ length: 100 }, (_, i) => putNew(table, `a${i}`, { n: i }));
      await ep.client.send(new TransactWriteItemsCommand({ TransactItems: items }));
      expect(await count()).toBe(100);
      expect(await get('a57')).toEqual({ event_id: 'a57', timestamp: 't', n: 57 });
    });

    it('one refused condition cancels all, with a reason per entry in order and the stored items asked for', async () => {
      const items = Array.from({ length: 10 }, (_, i) => putNew(table, `b${i}`));
      items[3] = putNew(table, 'a3');
      items[7] = putNew(table, 'a7');
      const err = await refusal(ep.client.send(new TransactWriteItemsCommand({ TransactItems: items })));
      expect(err.name).toBe('TransactionCanceledException');
      expect(err.CancellationReasons?.map((r) => r.Code)).toEqual([
        'None',
        'None',
        'None',
        'ConditionalCheckFailed',
        'None',
        'None',
        'None',
        'ConditionalCheckFailed',
        'None',
        'None',
      ]);
      expect(unmarshall(err.CancellationReasons![3]!.Item!)).toEqual({
        event_id: 'a3',
        timestamp: 't',
        n: 3,
      });
      expect(unmarshall(err.CancellationReasons![7]!.Item!)).toEqual({
        event_id: 'a7',
        timestamp: 't',
        n: 7,
      });
      expect(err.CancellationReasons![0]!.Item).toBeUndefined();
      expect(err.message).toMatch(/ConditionalCheckFailed, None, None, None, ConditionalCheckFailed/);
      expect(await get('b0')).toBeUndefined();
      expect(await count()).toBe(100);
    });

    it('an Update, a ConditionCheck and a Delete apply together', async () => {
      await ep.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Update: {
                TableName: table,
                Key: key('a1'),
                UpdateExpression: 'ADD n :ten SET tag = :tag',
                ExpressionAttributeValues: marshall({ ':ten': 10, ':tag': 'x' }),
              },
            },
            {
              ConditionCheck: {
                TableName: table,
                Key: key('a2'),
                ConditionExpression: 'n = :two',
                ExpressionAttributeValues: marshall({ ':two': 2 }),
              },
            },
            { Delete: { TableName: table, Key: key('a4') } },
            {
              Update: {
                TableName: table,
                Key: key('c1'),
                UpdateExpression: 'SET n = :one',
                ExpressionAttributeValues: marshall({ ':one': 1 }),
              },
            },
          ],
        }),
      );
      expect(await get('a1')).toEqual({ event_id: 'a1', timestamp: 't', n: 11, tag: 'x' });
      expect(await get('a4')).toBeUndefined();
      expect(await get('c1')).toEqual({ event_id: 'c1', timestamp: 't', n: 1 });
      // A failed ConditionCheck cancels the others.
      const err = await refusal(
        ep.client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Delete: { TableName: table, Key: key('a5') } },
              {
                ConditionCheck: {
                  TableName: table,
                  Key: key('a2'),
                  ConditionExpression: 'n = :three',
                  ExpressionAttributeValues: marshall({ ':three': 3 }),
                },
              },
            ],
          }),
        ),
      );
      expect(err.CancellationReasons?.map((r) => r.Code)).toEqual(['None', 'ConditionalCheckFailed']);
      expect(await get('a5')).toBeDefined();
    });

    it('refuses two operations on one item, more than 100 entries, and an unknown table', async () => {
      const twice = await refusal(
        ep.client.send(
          new TransactWriteItemsCommand({
            TransactItems: [putNew(table, 'd1'), { Delete: { TableName: table, Key: key('d1') } }],
          }),
        ),
      );
      expect(twice.name).toBe('ValidationException');
      expect(twice.message).toBe('Transaction request cannot include multiple operations on one item');
      const tooMany = await refusal(
        ep.client.send(
          new TransactWriteItemsCommand({
            TransactItems: Array.from({ length: 101 }, (_, i) => putNew(table, `e${i}`)),
          }),
        ),
      );
      expect(tooMany.name).toBe('ValidationException');
      expect(tooMany.message).toMatch(/length less than or equal to 100/);
      const unknown = await refusal(
        ep.client.send(new TransactWriteItemsCommand({ TransactItems: [putNew('no-such-table', 'f1')] })),
      );
      // citystream's client translates it into a UserError that keeps DynamoDB's error as its cause.
      expect((unknown as { cause?: { name?: string } }).cause?.name).toBe('ResourceNotFoundException');
      expect(await get('d1')).toBeUndefined();
      expect(await get('e0')).toBeUndefined();
    });
  });
}
