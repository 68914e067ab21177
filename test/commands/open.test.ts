import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type RunningApi } from '../../src/api/index.js';
import { runCli } from '../support/cli.js';
import { freePort } from '../support/free-port.js';

const noDynamo = { send: async () => Promise.reject(new Error('not used')) } as unknown as DynamoDBClient;
let api: RunningApi;

beforeAll(async () => {
  api = await startApi({
    client: noDynamo,
    config: { prefix: 'p-', ttlDays: 30 },
    host: '127.0.0.1',
    port: 0,
    live: undefined,
    pollMs: 0,
  });
});
afterAll(() => api?.close());

describe('citystream open', () => {
  it('prints the console address of the configured API', async () => {
    const result = await runCli(['open', '--print', '--api-port', String(api.port)]);
    expect(result).toEqual({ code: 0, stdout: `http://127.0.0.1:${api.port}/\n`, stderr: '' });
  });

  it('says so when no browser can be started, and still gives the address', async () => {
    // An empty environment has no PATH: no opener can be found.
    const result = await runCli(['open', '--json', '--api-port', String(api.port)], { env: {} });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ url: `http://127.0.0.1:${api.port}/`, opened: false });
    expect(result.stderr).toContain('no browser found');
  });

  it('warns when nothing answers at the address', async () => {
    const port = await freePort();
    const result = await runCli(['open', '--print', '--api-port', String(port)]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`nothing answers at http://127.0.0.1:${port}/ yet`);
  });
});
