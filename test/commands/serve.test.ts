import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { createDynamoClient } from '../../src/clients/dynamodb.js';
import { createTables } from '../../src/store/tables.js';
import { captureIO, runCli } from '../support/cli.js';
import { configFor, startDynalite, type StartedEndpoint } from '../support/dynamo-endpoints.js';
import { takenPort } from '../support/free-port.js';
import { waitFor } from '../support/wait-for.js';

let cwd: string;
let dynamo: StartedEndpoint;
let client: DynamoDBClient;

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'citystream-serve-'));
  dynamo = await startDynalite();
  client = createDynamoClient(configFor(dynamo.endpoint));
  await createTables(client, { prefix: 'serve-', billing: { mode: 'on-demand' } });
});

afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
  await rm(cwd, { recursive: true, force: true });
});

/** Starts `citystream serve …` in-process; resolves once it prints where it listens. */
async function serve(args: string[]) {
  const controller = new AbortController();
  const { io, output } = captureIO({ cwd, signal: controller.signal });
  const exit = main(
    ['serve', '--port', '0', '--host', '127.0.0.1', '--endpoint', dynamo.endpoint, ...args],
    io,
  );
  const url = await waitFor(
    'the listening line',
    () => output().stdout.match(/(http:\/\/127\.0\.0\.1:\d+\/api\/v1)/)?.[1],
    10_000,
  );
  return { url, output, stop: async () => (controller.abort('SIGTERM'), exit) };
}

describe('citystream serve', () => {
  it('serves the API until the signal aborts, then stops cleanly', async () => {
    const server = await serve(['--prefix', 'serve-', '--debug']);
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    expect((await fetch(`${server.url}/stats`)).status).toBe(200);
    expect(await server.stop()).toBe(0);
    const { stderr } = server.output();
    expect(stderr).toMatch(/GET \/api\/v1\/health 200/); // request log, only with --debug
    expect(stderr).toMatch(/API stopped/);
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });

  it('prints where it listens as JSON with --json, and logs no requests without --debug', async () => {
    const server = await serve(['--prefix', 'serve-', '--json']);
    await fetch(`${server.url}/cities`);
    expect(await server.stop()).toBe(0);
    const { stdout, stderr } = server.output();
    expect(JSON.parse(stdout)).toEqual({ url: server.url, openapi: `${server.url}/openapi.json` });
    expect(stderr).not.toMatch(/GET /);
  });

  it('warns when the tables are missing and answers 503 until they exist', async () => {
    const server = await serve(['--prefix', 'missing-']);
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'service_unavailable' });
    expect(await server.stop()).toBe(0);
    expect(server.output().stderr).toMatch(
      /warning: table missing-raw-events does not exist .*citystream tables create/,
    );
  });

  it('refuses bad flags and a port in use with one line and exit 2', async () => {
    for (const [argv, pattern] of [
      [['serve', '--port', '70000'], /--port.*from 0 to 65535/],
      [['serve', '--port', 'http'], /--port.*whole number/],
      [['serve', '--verbose'], /unknown option '--verbose'/],
    ] as Array<[string[], RegExp]>) {
      const result = await runCli(argv, { cwd });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(pattern);
    }
    const { port, release } = await takenPort();
    try {
      const result = await runCli(['serve', '--port', String(port), '--endpoint', dynamo.endpoint], { cwd });
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toMatch(
        new RegExp(`^Error: port ${port} on 127\\.0\\.0\\.1 is already in use, so the API cannot start — `),
      );
    } finally {
      await release();
    }
  });
});
