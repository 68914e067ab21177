import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../src/clients/dynamodb.js';
import { startEmbeddedDynamo } from '../../src/clients/embedded-dynamodb.js';
import { createTables, listTables } from '../../src/store/tables.js';
import { UserError } from '../../src/errors.js';
import { configFor } from '../support/dynamo-endpoints.js';
import { takenPort } from '../support/free-port.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'citystream-embedded-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('embedded DynamoDB', () => {
  it('keeps tables and items under <dataDir>/dynamodb across a restart', async () => {
    const dataDir = await tempDir();
    const first = await startEmbeddedDynamo({ host: '127.0.0.1', port: 0, dataDir });
    const config = configFor(first.endpoint, { prefix: 'keep-' });
    let client = createDynamoClient(config);
    await createTables(client, { prefix: 'keep-', billing: { mode: 'on-demand' }, pollMs: 10 });
    await client.send(
      new PutItemCommand({
        TableName: 'keep-rollups',
        Item: { scope: { S: '*' }, day: { S: '2026-11-22' }, event_count: { N: '7' } },
      }),
    );
    client.destroy();
    await first.close();

    const second = await startEmbeddedDynamo({ host: '127.0.0.1', port: 0, dataDir });
    cleanups.push(() => second.close());
    client = createDynamoClient({ ...config, endpoint: second.endpoint });
    const tables = await listTables(client, 'keep-');
    expect(tables.map((t) => t.status)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE']);
    const { Item } = await client.send(
      new GetItemCommand({ TableName: 'keep-rollups', Key: { scope: { S: '*' }, day: { S: '2026-11-22' } } }),
    );
    expect(Item?.event_count).toEqual({ N: '7' });
    client.destroy();
  });

  it('says the port is taken, in one line with a hint', async () => {
    const { port, release } = await takenPort();
    cleanups.push(release);
    const err = await startEmbeddedDynamo({ host: '127.0.0.1', port, dataDir: await tempDir() }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(
      `port ${port} on 127.0.0.1 is already in use, so the embedded DynamoDB cannot start`,
    );
    expect((err as UserError).hint).toContain('--dynamo-port');
  });
});
