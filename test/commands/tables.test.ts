import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { captureIO, runCli, type CliResult } from '../support/cli.js';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoClient } from '../../src/clients/dynamodb.js';
import { configFor, freshPrefix, startDynalite, type StartedEndpoint } from '../support/dynamo-endpoints.js';

let dynamo: StartedEndpoint;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.stop();
});

const tables = (prefix: string, ...args: string[]) =>
  runCli(['tables', ...args, '--endpoint', dynamo.endpoint, '--prefix', prefix]);

const json = <T>(r: CliResult): T => {
  expect(r.stderr).not.toMatch(/Error/);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as T;
};

/** Runs the CLI as if on a terminal whose user types `answer`. */
async function onTerminal(argv: string[], answer: string): Promise<CliResult> {
  const { io, output } = captureIO({ tty: true });
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  stdin.isTTY = true;
  stdin.end(`${answer}\n`);
  // ora draws on a real terminal; give the fake one the cursor methods it calls.
  const done = (cb?: () => void) => (cb?.(), true);
  Object.assign(io.stderr, {
    columns: 80,
    cursorTo: (_x: number, _y?: unknown, cb?: () => void) =>
      done(typeof _y === 'function' ? (_y as () => void) : cb),
    moveCursor: (_dx: number, _dy: number, cb?: () => void) => done(cb),
    clearLine: (_dir: number, cb?: () => void) => done(cb),
  });
  const code = await main(argv, Object.assign(io, { stdin }));
  return { code, ...output() };
}

describe('citystream tables', () => {
  it('creates the four tables, lists them, and is idempotent', async () => {
    const prefix = freshPrefix();
    const created = json<{ tables: Array<{ name: string; action: string }> }>(
      await tables(prefix, 'create', '--json'),
    );
    expect(created.tables).toEqual([
      { kind: 'raw-events', name: `${prefix}raw-events`, action: 'created' },
      { kind: 'aggregations', name: `${prefix}aggregations`, action: 'created' },
      { kind: 'alerts', name: `${prefix}alerts`, action: 'created' },
      { kind: 'rollups', name: `${prefix}rollups`, action: 'created' },
    ]);
    const again = json<{ tables: Array<{ action: string }> }>(await tables(prefix, 'create', '--json'));
    expect(again.tables.map((t) => t.action)).toEqual(['existed', 'existed', 'existed', 'existed']);
    const listed = json<{ tables: Array<{ name: string; status: string }> }>(
      await tables(prefix, 'list', '--json'),
    );
    expect(listed.tables.map((t) => t.status)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE']);
    const text = await tables(prefix, 'list');
    expect(text.stdout).toContain(`${prefix}raw-events`);
    expect(text.stdout).toContain('by-city');
  });

  it('says on stderr that dynalite has no TTL API, and goes on', async () => {
    const result = await tables(freshPrefix(), 'create');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/note: this endpoint does not support the TTL API/);
  });

  it('--dry-run shows the plan and creates nothing', async () => {
    const prefix = freshPrefix();
    const plan = json<{ dry_run: boolean; plan: Array<{ action: string }> }>(
      await tables(prefix, 'create', '--dry-run', '--json', '--billing-mode', 'provisioned', '--rcu', '2'),
    );
    expect(plan.plan.map((p) => p.action)).toEqual(['create', 'create', 'create', 'create']);
    const listed = json<{ tables: Array<{ status: string }> }>(await tables(prefix, 'list', '--json'));
    expect(listed.tables.map((t) => t.status)).toEqual(['MISSING', 'MISSING', 'MISSING', 'MISSING']);
  });

  it('creates provisioned tables with --billing-mode provisioned', async () => {
    const prefix = freshPrefix();
    await tables(prefix, 'create', '--billing-mode', 'provisioned', '--rcu', '3', '--wcu', '4');
    const info = json<{ billingMode: string; keys: string[] }>(
      await tables(prefix, 'describe', 'alerts', '--json'),
    );
    expect(info.billingMode).toBe('provisioned');
    expect(info.keys).toEqual(['city (HASH)', 'alert_key (RANGE)']);
  });

  it('rejects --rcu on on-demand tables and bad numbers', async () => {
    const rcu = await tables(freshPrefix(), 'create', '--rcu', '3');
    expect(rcu.code).toBe(2);
    expect(rcu.stderr).toContain('--rcu and --wcu apply only to provisioned tables');
    const bad = await tables(freshPrefix(), 'create', '--billing-mode', 'provisioned', '--wcu', '0');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected a whole number from 1 to 40000');
  });

  it('describes by kind or full name; an unknown or missing table is one line', async () => {
    const prefix = freshPrefix();
    await tables(prefix, 'create');
    const byName = json<{ name: string; indexes: Array<{ name: string }> }>(
      await tables(prefix, 'describe', `${prefix}raw-events`, '--json'),
    );
    expect(byName.indexes.map((i) => i.name)).toEqual(['by-city']);
    const unknown = await tables(prefix, 'describe', 'bogus');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim()).toBe(
      `Error: unknown table "bogus" — use one of raw-events, aggregations, alerts, rollups (or a full name such as ${prefix}alerts)`,
    );
    const missing = await tables(freshPrefix(), 'describe', 'alerts');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/does not exist — create the tables with `citystream tables create`/);
  });

  it('delete refuses without a terminal or --yes, and --dry-run deletes nothing', async () => {
    const prefix = freshPrefix();
    await tables(prefix, 'create');
    const refused = await tables(prefix, 'delete');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('pass --yes');
    const plan = json<{ plan: Array<{ action: string }> }>(
      await tables(prefix, 'delete', '--dry-run', '--json'),
    );
    expect(plan.plan.map((p) => p.action)).toEqual(['delete', 'delete', 'delete', 'delete']);
    const deleted = json<{ tables: Array<{ action: string }> }>(
      await tables(prefix, 'delete', 'alerts', '--yes', '--json'),
    );
    expect(deleted.tables.map((t) => t.action)).toEqual(['deleted']);
    const listed = json<{ tables: Array<{ status: string }> }>(await tables(prefix, 'list', '--json'));
    expect(listed.tables.map((t) => t.status)).toEqual(['ACTIVE', 'ACTIVE', 'MISSING', 'ACTIVE']);
  });

  it('delete asks on a terminal and does what the answer says', async () => {
    const prefix = freshPrefix();
    await tables(prefix, 'create');
    const argv = ['tables', 'delete', 'rollups', '--endpoint', dynamo.endpoint, '--prefix', prefix];
    const no = await onTerminal(argv, 'n');
    expect(no.code).toBe(2);
    expect(no.stderr).toContain(`Delete ${prefix}rollups and all their data? [y/N]`);
    expect(no.stderr).toContain('nothing deleted');
    const yes = await onTerminal(argv, 'y');
    expect(yes.code).toBe(0);
    const listed = json<{ tables: Array<{ status: string }> }>(await tables(prefix, 'list', '--json'));
    expect(listed.tables.map((t) => t.status)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE', 'MISSING']);
  });

  it('says nothing is listening, and to run citystream up, when the embedded endpoint is down', async () => {
    const result = await runCli(['tables', 'list'], { env: { CITYSTREAM_DYNAMO_PORT: '9' } });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      'Error: nothing is listening on http://127.0.0.1:9 — start the local stack with `citystream up`',
    );
  });

  it('does not suggest citystream up when the endpoint was given and is down', async () => {
    const result = await runCli(['tables', 'list', '--endpoint', 'http://127.0.0.1:9']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      'Error: nothing is listening on http://127.0.0.1:9 — start DynamoDB there, or correct --endpoint',
    );
  });

  it('counts the items on the local target instead of trusting ItemCount (dynalite keeps 0)', async () => {
    const prefix = freshPrefix();
    await tables(prefix, 'create');
    const client = createDynamoClient(configFor(dynamo.endpoint));
    try {
      for (const day of ['2026-01-01', '2026-01-02', '2026-01-03'])
        await client.send(
          new PutItemCommand({ TableName: `${prefix}rollups`, Item: { scope: { S: '*' }, day: { S: day } } }),
        );
    } finally {
      client.destroy();
    }
    const info = json<{ itemCount: number; itemCountSource: string }>(
      await tables(prefix, 'describe', 'rollups', '--json'),
    );
    expect(info).toMatchObject({ itemCount: 3, itemCountSource: 'counted' });
    expect((await tables(prefix, 'describe', 'rollups')).stdout).toMatch(/items\s*│\s*3 \(counted\)/);
    // The list does not pass dynalite's 0 off as a count.
    const listed = json<{
      tables: Array<{ kind: string; itemCount: number | null; itemCountSource: string }>;
    }>(await tables(prefix, 'list', '--json'));
    expect(listed.tables.find((t) => t.kind === 'rollups')).toMatchObject({
      itemCount: null,
      itemCountSource: 'not kept locally: tables describe counts',
    });
    expect((await tables(prefix, 'list')).stdout).toMatch(/rollups\s*│\s*ACTIVE\s*│\s*—/);
  });

  it('rejects unknown flags and billing modes', async () => {
    const flag = await runCli(['tables', 'list', '--bogus']);
    expect(flag.code).toBe(2);
    const mode = await runCli(['tables', 'create', '--billing-mode', 'free']);
    expect(mode.code).toBe(2);
    expect(mode.stderr).toContain("argument 'free' is invalid");
  });
});
