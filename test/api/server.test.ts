import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../src/clients/dynamodb.js';
import { startApi, type RunningApi } from '../../src/api/index.js';
import { createTables } from '../../src/store/tables.js';
import { tableNames } from '../../src/store/table-definitions.js';
import { configFor, freshPrefix, startDynalite, type StartedEndpoint } from '../support/dynamo-endpoints.js';
import { writeThroughWriters } from '../queries/writer-fixture.js';
import { buildDataSet, TTL_DAYS } from '../queries/read-data-set.js';

// The server's own behaviour (routing, validation, error mapping, shutdown) on dynalite; exact answers on
// both endpoints are in test/integration/read-side.test.ts.
let dynamo: StartedEndpoint;
let client: DynamoDBClient;
let api: RunningApi;
let missingApi: RunningApi;
let downApi: RunningApi;
const bugs: unknown[] = [];
const logLines: string[] = [];

async function get(base: RunningApi, path: string, init?: RequestInit) {
  const res = await fetch(base.url + path, init);
  const text = await res.text();
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(text).not.toMatch(/\n\s+at /); // never a stack trace
  return { status: res.status, body: JSON.parse(text) as Record<string, unknown> };
}

beforeAll(async () => {
  dynamo = await startDynalite();
  const prefix = freshPrefix('api');
  const config = configFor(dynamo.endpoint, { prefix, ttlDays: TTL_DAYS });
  client = createDynamoClient(config);
  await createTables(client, { prefix, billing: { mode: 'on-demand' } });
  const now = new Date();
  await writeThroughWriters(client, tableNames(prefix), buildDataSet(now), now);
  // The REST API alone: the web console's files are tested in test/console/.
  const common = { host: '127.0.0.1', port: 0, consoleDir: null, reportBug: (e: unknown) => bugs.push(e) };
  api = await startApi({ ...common, client, config, log: (line) => logLines.push(line) });
  missingApi = await startApi({ ...common, client, config: { ...config, prefix: 'no-such-prefix-' } });
  // Nothing listens on a port we just closed.
  const gone = await startDynalite();
  await gone.stop();
  // Where the embedded DynamoDB of `up --dynamo-port <port>` would be, so the hint is to start it.
  const gonePort = Number(new URL(gone.endpoint).port);
  const downClient = createDynamoClient(configFor(gone.endpoint, { dynamoPort: gonePort }), {
    maxAttempts: 1,
  });
  downApi = await startApi({ ...common, client: downClient, config });
});

afterAll(async () => {
  await Promise.all([api?.close(), missingApi?.close(), downApi?.close()]);
  client?.destroy();
  await dynamo?.stop();
});

describe('REST API', () => {
  it('answers health and every data endpoint with 200 and JSON', async () => {
    expect(await get(api, '/api/v1/health')).toEqual({ status: 200, body: { status: 'ok' } });
    for (const path of [
      '/api/v1/events/NYC?limit=2',
      '/api/v1/events/San%20Jose',
      '/api/v1/summary/LA',
      '/api/v1/alerts',
      '/api/v1/alerts?city=NYC&hours=48',
      '/api/v1/cities',
      '/api/v1/aggregations?city=NYC&event_type=traffic&limit=5',
      '/api/v1/aggregations?from=2026-01-01T00:00:00Z',
      '/api/v1/stats',
      '/api/v1/openapi.json',
      '/api/v1/cities/', // a trailing slash is tolerated
    ])
      expect((await get(api, path)).status, path).toBe(200);
    expect((await get(api, '/api/v1/events/NYC?limit=2')).body.count).toBe(2);
    expect((await get(api, '/api/v1/events/San%20Jose')).body.count).toBe(2);
    expect(logLines.some((l) => l.startsWith('GET /api/v1/health 200'))).toBe(true);
  });

  it('refuses bad parameters with 400 naming the parameter', async () => {
    const cases: Array<[string, string]> = [
      ['/api/v1/events/NYC?limit=0', 'limit'],
      ['/api/v1/events/NYC?limit=1001', 'limit'],
      ['/api/v1/events/NYC?limit=abc', 'limit'],
      ['/api/v1/events/NYC%23x', 'city'],
      [`/api/v1/events/${'x'.repeat(65)}`, 'city'],
      [`/api/v1/events/${'x'.repeat(500)}`, 'city'],
      ['/api/v1/events/NYC?limit=1&limit=2', 'limit'],
      ['/api/v1/events/NYC?limt=5', 'limt'],
      ['/api/v1/summary/%3Cscript%3E', 'city'],
      ['/api/v1/summary/NYC?x=1', 'x'],
      ['/api/v1/alerts?hours=0', 'hours'],
      ['/api/v1/alerts?hours=721', 'hours'],
      ['/api/v1/alerts?city=a%2Fb', 'city'],
      ['/api/v1/alerts?limit=5000', 'limit'],
      ['/api/v1/cities?limit=1', 'limit'],
      ['/api/v1/stats?verbose=1', 'verbose'],
      ['/api/v1/health?x', 'x'],
      ['/api/v1/aggregations?event_type=parade', 'event_type'],
      ['/api/v1/aggregations?limit=0', 'limit'],
      ['/api/v1/aggregations?city=', 'city'],
      ['/api/v1/aggregations?from=yesterday', 'from'],
      ['/api/v1/aggregations?to=2026-13-45', 'to'],
      ['/api/v1/aggregations?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
      ['/api/v1/aggregations?from=2000-01-01T00:00:00Z', 'from'],
    ];
    for (const [path, parameter] of cases) {
      const { status, body } = await get(api, path);
      expect({ path, status, parameter: body.parameter, error: body.error }).toEqual({
        path,
        status: 400,
        parameter,
        error: 'invalid_parameter',
      });
      expect(Object.keys(body).sort()).toEqual(['error', 'message', 'parameter']);
    }
  });

  it('answers unknown routes, methods and malformed URLs with JSON errors', async () => {
    expect(await get(api, '/api/v1/nope')).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect(await get(api, '/')).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect(await get(api, '/api/v1/stats', { method: 'POST' })).toMatchObject({ status: 404 });
    expect(await get(api, '/api/v1/events/%E0%A4%A')).toMatchObject({
      status: 400,
      body: { error: 'bad_request' },
    });
    // Bad percent-encoding in the query is the same mistake as in the path.
    for (const path of ['/api/v1/events/NYC?limit=%ZZ', '/api/v1/alerts?city=%', '/api/v1/stats?%C0=1'])
      expect(await get(api, path), path).toMatchObject({ status: 400, body: { error: 'bad_request' } });
  });

  it('answers a 100 KB URL with 431 and the JSON error body', async () => {
    const { status, body } = await get(api, `/api/v1/events/NYC?limit=${'1'.repeat(100_000)}`);
    expect(status).toBe(431);
    expect(body).toEqual({ error: 'request_too_large', message: expect.stringContaining('16 KiB') });
  });

  it('answers HEAD like GET, without a body', async () => {
    const res = await fetch(`${api.url}/api/v1/stats`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.text()).toBe('');
    expect((await fetch(`${api.url}/api/v1/events/NYC?limit=0`, { method: 'HEAD' })).status).toBe(400);
  });

  it('answers 503 when the tables are missing or DynamoDB is down', async () => {
    for (const base of [missingApi, downApi]) {
      for (const path of [
        '/api/v1/health',
        '/api/v1/events/NYC',
        '/api/v1/summary/NYC',
        '/api/v1/alerts',
        '/api/v1/alerts?city=NYC',
        '/api/v1/cities',
        '/api/v1/aggregations',
        '/api/v1/aggregations?city=NYC',
        '/api/v1/stats',
      ]) {
        const { status, body } = await get(base, path);
        expect({ path, status, error: body.error }).toEqual({
          path,
          status: 503,
          error: 'service_unavailable',
        });
      }
    }
    const missing = await get(missingApi, '/api/v1/stats');
    expect(missing.body.message).toMatch(/no-such-prefix-rollups does not exist/);
    const down = await get(downApi, '/api/v1/stats');
    expect(down.body.message).toMatch(/nothing is listening .*citystream up/);
    expect(bugs).toEqual([]);
  });

  it('answers 503 when DynamoDB accepts connections but never answers', async () => {
    const sockets: Socket[] = [];
    const hung = createServer((socket) => void sockets.push(socket)); // reads nothing, answers nothing
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', () => resolve()));
    const hungClient = createDynamoClient(
      configFor(`http://127.0.0.1:${(hung.address() as AddressInfo).port}`),
      {
        maxAttempts: 1,
      },
    );
    const slow = await startApi({
      client: hungClient,
      config: { prefix: 'p-', ttlDays: 30 },
      host: '127.0.0.1',
      port: 0,
      requestTimeoutMs: 300,
    });
    try {
      for (const path of ['/api/v1/health', '/api/v1/stats', '/api/v1/events/NYC'])
        expect(await get(slow, path), path).toEqual({
          status: 503,
          body: { error: 'service_unavailable', message: 'DynamoDB did not answer in time; retry later' },
        });
    } finally {
      await slow.close();
      hungClient.destroy();
      for (const socket of sockets) socket.destroy();
      hung.close();
    }
  });

  it('answers a bug with a plain 500 and reports it', async () => {
    const broken = { send: async () => Promise.reject(new TypeError('cannot read x of undefined')) };
    const buggy = await startApi({
      client: broken as unknown as DynamoDBClient,
      config: { prefix: 'p-', ttlDays: 30 },
      host: '127.0.0.1',
      port: 0,
      reportBug: (e) => bugs.push(e),
    });
    try {
      const { status, body } = await get(buggy, '/api/v1/stats');
      expect({ status, body }).toEqual({
        status: 500,
        body: { error: 'internal_error', message: 'internal error; the server log has the details' },
      });
      expect(bugs).toHaveLength(1);
    } finally {
      await buggy.close();
    }
    await expect(fetch(`${buggy.url}/api/v1/health`)).rejects.toThrow();
  });
});
