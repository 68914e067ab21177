import { DescribeTableCommand, DescribeTimeToLiveCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../src/clients/dynamodb.js';
import { TABLE_KINDS, tableDefinition, tableNames } from '../../src/store/table-definitions.js';
import { createTables, deleteTables, describeTable, listTables } from '../../src/store/tables.js';
import { UserError } from '../../src/errors.js';
import { configFor, dynamoEndpoints, freshPrefix } from '../support/dynamo-endpoints.js';

describe('table definitions', () => {
  it('names the four tables from the prefix', () => {
    expect(tableNames('x-')).toEqual({
      rawEvents: 'x-raw-events',
      aggregations: 'x-aggregations',
      alerts: 'x-alerts',
      rollups: 'x-rollups',
    });
  });

  it('is on-demand by default and provisioned on request, indexes included', () => {
    const onDemand = tableDefinition('x-', 'raw-events', { mode: 'on-demand' });
    expect(onDemand.BillingMode).toBe('PAY_PER_REQUEST');
    expect(onDemand.ProvisionedThroughput).toBeUndefined();
    expect(onDemand.GlobalSecondaryIndexes?.[0]?.IndexName).toBe('by-city');
    const provisioned = tableDefinition('x-', 'alerts', { mode: 'provisioned', rcu: 7, wcu: 3 });
    expect(provisioned.ProvisionedThroughput).toEqual({ ReadCapacityUnits: 7, WriteCapacityUnits: 3 });
    expect(provisioned.GlobalSecondaryIndexes?.[0]?.ProvisionedThroughput).toEqual({
      ReadCapacityUnits: 7,
      WriteCapacityUnits: 3,
    });
  });
});

for (const ep of dynamoEndpoints()) {
  describe.skipIf(ep.skip)(`tables on ${ep.name}`, () => {
    it('creates the four tables ACTIVE with their keys and indexes, and is idempotent', async () => {
      const prefix = freshPrefix();
      const first = await createTables(ep.client, { prefix, billing: { mode: 'on-demand' }, pollMs: 20 });
      expect(first.tables.map((t) => t.action)).toEqual(['created', 'created', 'created', 'created']);
      const second = await createTables(ep.client, { prefix, billing: { mode: 'on-demand' }, pollMs: 20 });
      expect(second.tables.map((t) => t.action)).toEqual(['existed', 'existed', 'existed', 'existed']);

      const listed = await listTables(ep.client, prefix);
      expect(listed.map((t) => [t.kind, t.status])).toEqual(TABLE_KINDS.map((k) => [k, 'ACTIVE']));
      const raw = await ep.client.send(new DescribeTableCommand({ TableName: `${prefix}raw-events` }));
      expect(raw.Table?.KeySchema).toEqual([
        { AttributeName: 'event_id', KeyType: 'HASH' },
        { AttributeName: 'timestamp', KeyType: 'RANGE' },
      ]);
      expect(raw.Table?.GlobalSecondaryIndexes?.[0]?.KeySchema?.[0]?.AttributeName).toBe('city_shard');
      expect((await describeTable(ep.client, prefix, 'rollups'))?.billingMode).toBe('on-demand');
    });

    it('enables TTL on raw events and alerts, or notes that the endpoint cannot', async () => {
      const prefix = freshPrefix();
      const { notes } = await createTables(ep.client, { prefix, billing: { mode: 'on-demand' }, pollMs: 20 });
      const ttl = await ep.client.send(new DescribeTimeToLiveCommand({ TableName: `${prefix}raw-events` }));
      if (ep.name === 'dynalite') {
        expect(notes.join(' ')).toMatch(/does not support the TTL API/);
      } else {
        expect(notes).toEqual([]);
        expect(ttl.TimeToLiveDescription?.AttributeName).toBe('expires_at');
        expect(ttl.TimeToLiveDescription?.TimeToLiveStatus).toBe('ENABLED');
      }
    });

    it('creates provisioned tables with the given capacity', async () => {
      const prefix = freshPrefix();
      await createTables(ep.client, {
        prefix,
        billing: { mode: 'provisioned', rcu: 3, wcu: 2 },
        kinds: ['rollups'],
        pollMs: 20,
      });
      const info = await describeTable(ep.client, prefix, 'rollups');
      expect(info?.billingMode).toBe('provisioned');
    });

    it('lists missing tables as MISSING and deletes what exists', async () => {
      const prefix = freshPrefix();
      await createTables(ep.client, {
        prefix,
        billing: { mode: 'on-demand' },
        kinds: ['alerts'],
        pollMs: 20,
      });
      const listed = await listTables(ep.client, prefix);
      expect(listed.find((t) => t.kind === 'alerts')?.status).toBe('ACTIVE');
      expect(listed.find((t) => t.kind === 'rollups')?.status).toBe('MISSING');
      const deleted = await deleteTables(ep.client, { prefix, pollMs: 20 });
      expect(deleted.map((d) => d.action)).toEqual(['missing', 'missing', 'deleted', 'missing']);
      const names = (await ep.client.send(new ListTablesCommand({}))).TableNames ?? [];
      expect(names.filter((n) => n.startsWith(prefix))).toEqual([]);
    });

    it('names the missing table and says how to create it', async () => {
      const err = await ep.client
        .send(new DescribeTableCommand({ TableName: 'nope-raw-events' }))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).message).toContain('nope-raw-events');
      expect((err as UserError).hint).toContain('citystream tables create');
    });
  });
}

describe('an endpoint where nothing listens', () => {
  it('says so and points at `citystream up` on the local target', async () => {
    // The embedded endpoint's address (dynamoPort 9): `citystream up --dynamo-port 9` would serve it.
    const client = createDynamoClient(configFor('http://127.0.0.1:9', { dynamoPort: 9 }), { maxAttempts: 1 });
    const err = await listTables(client, 'x-').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe('nothing is listening on http://127.0.0.1:9');
    expect((err as UserError).hint).toContain('citystream up');
    client.destroy();
  });
});
