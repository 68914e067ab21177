import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type RunningApi } from '../../src/api/index.js';
import { createDynamoClient } from '../../src/clients/dynamodb.js';
import { runCli } from '../support/cli.js';

// The token check runs before any route, so no DynamoDB is needed: nothing listens on port 9, and the
// routes that get past the check answer 503, which is enough to tell "let through" from "refused".
let api: RunningApi;
const client = createDynamoClient(
  { target: 'local', region: 'local', endpoint: 'http://127.0.0.1:9' },
  { maxAttempts: 1 },
);

beforeAll(async () => {
  api = await startApi({
    client,
    config: { prefix: 'token-', ttlDays: 30 },
    host: '127.0.0.1',
    port: 0,
    token: 's3cret-token',
  });
});
afterAll(async () => {
  await api.close();
  client.destroy();
});

const get = async (path: string, token?: string) => {
  const res = await fetch(api.url + path, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown>,
    challenge: res.headers.get('www-authenticate'),
  };
};

describe('API token', () => {
  it('requires Authorization: Bearer on every route but health, in the error shape', async () => {
    for (const path of [
      '/api/v1/stats',
      '/api/v1/events/NYC?limit=1',
      '/api/v1/openapi.json',
      '/api/v1/no-such',
    ]) {
      const r = await get(path);
      expect(r).toEqual({
        status: 401,
        challenge: 'Bearer realm="citystream"',
        body: {
          error: 'unauthorized',
          message: 'this API needs a token: send Authorization: Bearer <token>',
        },
      });
      expect((await get(path, 'wrong-token')).status).toBe(401);
    }
    expect((await get('/api/v1/health')).status).not.toBe(401);
    expect((await get('/api/v1/stats', 's3cret-token')).status).toBe(503);
    expect((await get('/api/v1/openapi.json', 's3cret-token')).status).toBe(200);
  });

  it('reaches serve from CITYSTREAM_API_TOKEN, and config never shows it', async () => {
    const r = await runCli(['config', '--json'], { env: { CITYSTREAM_API_TOKEN: 's3cret-token' } });
    expect(r.stdout).not.toContain('s3cret-token');
    const setting = (
      JSON.parse(r.stdout) as { settings: Array<{ key: string; value: unknown; source: string }> }
    ).settings.find((s) => s.key === 'apiToken');
    expect(setting).toMatchObject({ value: '(set)', env: 'CITYSTREAM_API_TOKEN' });
  });
});
