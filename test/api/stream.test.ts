import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { startApi, type RunningApi, type StartApiOptions } from '../../src/api/index.js';
import { LiveBus, type LiveEvent } from '../../src/processor/live-bus.js';
import { openSse, type SseClient } from '../support/sse.js';

// The stream's own behaviour with a plain HTTP client; no table is read, so DynamoDB is a stub.
const noDynamo = { send: async () => Promise.reject(new Error('not used')) } as unknown as DynamoDBClient;
const running: RunningApi[] = [];
const clients: SseClient[] = [];

async function start(options: Partial<StartApiOptions> = {}): Promise<{ api: RunningApi; bus: LiveBus }> {
  const bus = new LiveBus();
  const api = await startApi({
    client: noDynamo,
    config: { prefix: 'p-', ttlDays: 30 },
    host: '127.0.0.1',
    port: 0,
    live: bus,
    consoleDir: null,
    ...options,
  });
  running.push(api);
  return { api, bus };
}

async function connect(url: string, headers?: Record<string, string>): Promise<SseClient> {
  const client = await openSse(url, headers);
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(running.splice(0).map((a) => a.close()));
});

const alert = (n: number): LiveEvent => ({
  type: 'alert',
  data: {
    event_id: `e-${n}`,
    event_type: 'incident',
    city: 'NYC',
    severity: 'critical',
    timestamp: new Date(Date.UTC(2026, 10, 22, 18, 0, n)).toISOString(),
    description: `alert ${n}`,
  },
});

/** The live events of a client, without the `hello` greeting. */
const live = (c: SseClient) => c.events.filter((e) => e.event !== 'hello');
const ids = (events: { data: string }[]) =>
  events.map((e) => (JSON.parse(e.data) as { event_id: string }).event_id);

describe('GET /api/v1/stream', () => {
  it('sends each event once, in order, with increasing ids, as text/event-stream', async () => {
    const { api, bus } = await start();
    const client = await connect(`${api.url}/api/v1/stream`);
    expect(client.status).toBe(200);
    expect(client.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    await client.waitForCount(1);
    expect(client.events[0]!.event).toBe('hello');
    expect(JSON.parse(client.events[0]!.data)).toEqual({ latest_id: api.hub.latestId, source: 'processor' });
    for (let n = 0; n < 200; n++) bus.publish(alert(n));
    bus.publish({
      type: 'window',
      data: {
        city: 'NYC',
        event_type: 'incident',
        window_start: '2026-11-22T18:00:00.000Z',
        window_end: '2026-11-22T18:05:00.000Z',
        partition: 2,
        event_count: 200,
        low: 0,
        medium: 0,
        high: 0,
        critical: 200,
        final: false,
      },
    });
    await client.waitForCount(202);
    const events = live(client);
    expect(events).toHaveLength(201);
    expect(ids(events.slice(0, 200))).toEqual(Array.from({ length: 200 }, (_, n) => `e-${n}`));
    expect(events.map((e) => e.event)).toEqual([...Array(200).fill('alert'), 'window']);
    const numeric = events.map((e) => Number(e.id));
    for (let i = 1; i < numeric.length; i++) expect(numeric[i]).toBe(numeric[i - 1]! + 1);
  });

  it('resumes after Last-Event-ID without loss or repeat, then goes on live', async () => {
    const { api, bus } = await start({ streamBufferSize: 100 });
    const first = await connect(`${api.url}/api/v1/stream`);
    await first.waitForCount(1);
    for (let n = 0; n < 10; n++) bus.publish(alert(n));
    await first.waitForCount(11);
    const lastSeen = live(first)[4]!.id!; // as if the connection dropped after the fifth event
    first.close();
    for (let n = 10; n < 30; n++) bus.publish(alert(n)); // published while nobody listens

    const again = await connect(`${api.url}/api/v1/stream`, { 'last-event-id': lastSeen });
    await again.waitForCount(1 + 25);
    bus.publish(alert(30));
    await again.waitForCount(1 + 26);
    expect(ids(live(again))).toEqual(Array.from({ length: 26 }, (_, n) => `e-${n + 5}`));
    // The query parameter does the same, for clients that cannot set headers.
    const viaQuery = await connect(`${api.url}/api/v1/stream?last_event_id=${lastSeen}&types=alert`);
    await viaQuery.waitForCount(1 + 26);
    expect(ids(live(viaQuery))).toEqual(ids(live(again)));
  });

  it('answers an id older than the buffer, or from an earlier run, with one reset', async () => {
    const { api, bus } = await start({ streamBufferSize: 10 });
    const first = await connect(`${api.url}/api/v1/stream`);
    bus.publish(alert(0));
    await first.waitForCount(2);
    const old = live(first)[0]!.id!;
    for (let n = 1; n < 40; n++) bus.publish(alert(n));
    for (const lastId of [old, '12']) {
      const client = await connect(`${api.url}/api/v1/stream`, { 'last-event-id': lastId });
      await client.waitForCount(2);
      expect(client.events[1]!.event).toBe('reset');
      expect(client.events[1]!.id).toBe(String(api.hub.latestId));
      bus.publish(alert(100));
      await client.waitForCount(3);
      expect(ids(client.events.slice(2))).toEqual(['e-100']);
    }
  });

  it('filters by type and refuses bad parameters with a JSON 400', async () => {
    const { api, bus } = await start();
    const client = await connect(`${api.url}/api/v1/stream?types=rates`);
    await client.waitForCount(1);
    bus.publish(alert(1));
    bus.publish({
      type: 'rates',
      data: {
        at: '2026-11-22T18:00:00.000Z',
        events_in_per_s: 100,
        written_per_s: 96,
        late_per_s: 1,
        dead_letters_per_s: 4,
        invalid_per_s: 3,
        lag: { '0': 3 },
        totals: { consumed: 100, written: 96, late: 1, dead_letters: 4, invalid: 3 },
      },
    });
    await client.waitForCount(2);
    expect(client.events.map((e) => e.event)).toEqual(['hello', 'rates']);
    const rates = (await (await fetch(`${api.url}/api/v1/rates`)).json()) as { count: number };
    expect(rates.count).toBe(1);
    for (const query of ['types=alerts', 'last_event_id=x', 'since=1']) {
      const res = await fetch(`${api.url}/api/v1/stream?${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe('invalid_parameter');
    }
  });

  it('is in the OpenAPI document as text/event-stream', async () => {
    const { api } = await start();
    const doc = (await (await fetch(`${api.url}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, { get: { responses: Record<string, { content: Record<string, unknown> }> } }>;
    };
    expect(Object.keys(doc.paths['/api/v1/stream']!.get.responses['200']!.content)).toEqual([
      'text/event-stream',
    ]);
    for (const path of ['/api/v1/rates', '/api/v1/dead-letters', '/api/v1/services'])
      expect(doc.paths).toHaveProperty([path]);
  });

  it('lets close() finish while streams are open', async () => {
    const { api } = await start();
    const client = await connect(`${api.url}/api/v1/stream`);
    await client.waitForCount(1);
    await api.close();
    running.splice(running.indexOf(api), 1);
    await client.ended;
  });
});

describe('the API token', () => {
  it('guards /api/v1 (health alone stays open); the stream alone takes ?access_token=', async () => {
    const { api } = await start({ token: 's3cret' });
    const status = async (path: string, headers: Record<string, string> = {}) =>
      (await fetch(api.url + path, { headers })).status;
    expect(await status('/api/v1/rates')).toBe(401);
    expect(await status('/api/v1/rates', { authorization: 'Bearer wrong' })).toBe(401);
    expect(await status('/api/v1/rates', { authorization: 'Bearer s3cret' })).toBe(200);
    expect(await status('/api/v1/openapi.json')).toBe(401);
    expect(await status('/api/v1/stream')).toBe(401);
    expect(await status('/api/v1/dead-letters?access_token=s3cret')).toBe(401);
    const res = await fetch(`${api.url}/api/v1/rates`);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="citystream"');
    expect(await res.json()).toMatchObject({ error: 'unauthorized' });
    const client = await connect(`${api.url}/api/v1/stream?access_token=s3cret`);
    expect(client.status).toBe(200);
    const byHeader = await connect(`${api.url}/api/v1/stream`, { authorization: 'Bearer s3cret' });
    expect(byHeader.status).toBe(200);
  });
});
