import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../src/clients/dynamodb.js';
import { startEmbeddedDynamo } from '../../src/clients/embedded-dynamodb.js';
import { createTables, listTables } from '../../src/store/tables.js';
import { UserError } from '../../src/errors.js';
import { configFor } from '../support/dynamo-endpoints.js';
import { takenPort } from '../support/free-port.js';
import { waitFor } from '../support/wait-for.js';

const PARENT = new URL('./fixtures/embedded-dynamo-parent.ts', import.meta.url).pathname;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

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

  it('serves from a child process that close() ends, and that ignores a Ctrl-C meant for its parent', async () => {
    const dynamo = await startEmbeddedDynamo({ host: '127.0.0.1', port: 0, dataDir: await tempDir() });
    expect(dynamo.pid).not.toBe(process.pid);
    expect(alive(dynamo.pid)).toBe(true);
    // Ctrl-C signals the whole process group; the parent, not the signal, decides when DynamoDB stops.
    process.kill(dynamo.pid, 'SIGINT');
    const client = createDynamoClient(configFor(dynamo.endpoint));
    expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual([]);
    client.destroy();
    await dynamo.close();
    await dynamo.exited;
    expect(alive(dynamo.pid)).toBe(false);
  });

  it('exits when its parent is killed, so no orphan keeps the port and the data directory', async () => {
    const dataDir = await tempDir();
    const parent = spawn(process.execPath, ['--import', 'tsx', PARENT, dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    parent.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const started = await waitFor('the parent to print its child', () => {
      const line = stdout.split('\n')[0];
      return stdout.includes('\n') && line
        ? (JSON.parse(line) as { pid: number; endpoint: string })
        : undefined;
    });
    expect(alive(started.pid)).toBe(true);
    parent.kill('SIGKILL');
    await waitFor('the child to exit after its parent', () => !alive(started.pid));
    // The LevelDB lock is free again: a new server opens the same directory.
    const next = await startEmbeddedDynamo({ host: '127.0.0.1', port: 0, dataDir });
    await next.close();
  });
});
