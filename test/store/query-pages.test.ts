import type { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { queryAll } from '../../src/store/query-pages.js';

/** A stand-in client: answers each Query with one item and a next key, three pages in all, recording each call. */
function pagedClient(onPage?: (page: number) => void) {
  const calls: unknown[][] = [];
  const client = {
    send: async (...args: unknown[]) => {
      calls.push(args);
      const page = calls.length;
      onPage?.(page);
      const command = args[0] as QueryCommand;
      return {
        Items: [{ n: { N: String(page) }, table: { S: String(command.input.TableName) } }],
        LastEvaluatedKey: page < 3 ? { k: { S: `p${page}` } } : undefined,
      };
    },
  };
  return { client: client as unknown as DynamoDBClient, calls };
}

describe('queryPages', () => {
  it('sends each page with no options, so the client serves it from its cached middleware stack', async () => {
    const { client, calls } = pagedClient();
    const deadline = new AbortController();
    const items = await queryAll({ client, signal: deadline.signal }, { TableName: 't' });
    expect(items).toHaveLength(3);
    expect(calls.map((args) => args.length)).toEqual([1, 1, 1]);
  });

  it('asks for no further page once the deadline has passed, and throws its reason', async () => {
    const deadline = new AbortController();
    const reason = Object.assign(new Error('deadline'), { name: 'TimeoutError' });
    const { client, calls } = pagedClient((page) => {
      if (page === 2) deadline.abort(reason);
    });
    await expect(queryAll({ client, signal: deadline.signal }, { TableName: 't' })).rejects.toBe(reason);
    expect(calls).toHaveLength(2);
  });
});
