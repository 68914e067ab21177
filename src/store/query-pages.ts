import { QueryCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import type { Item } from '../queries/documents.js';
import type { ReadContext } from '../queries/read-context.js';

/** What a Query needs: the client, and the signal that abandons a read nobody waits for any more. */
export type Reader = Pick<ReadContext, 'client' | 'signal'>;

/**
 * A filtered Query returns fewer items than its Limit (DynamoDB applies Limit before the filter), so a
 * read that wants N items pages on until it has them, the key range is exhausted, or `maxPages` requests
 * have been made. The page bound keeps the cost of a read bounded even when many items are filtered out.
 */
export const MAX_PAGES = 20;

export async function queryUpTo(
  reader: Reader,
  input: QueryCommandInput,
  want: number,
  maxPages = MAX_PAGES,
): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  for (let page = 0; page < maxPages && items.length < want; page += 1) {
    const result = await reader.client.send(
      new QueryCommand({ ...input, Limit: want - items.length, ExclusiveStartKey: startKey }),
      { abortSignal: reader.signal },
    );
    items.push(...(result.Items ?? []));
    startKey = result.LastEvaluatedKey;
    if (!startKey) break;
  }
  return items.slice(0, want);
}

/** One Query request: its items and where the next page would start (undefined: the range is done). */
export async function queryPage(
  reader: Reader,
  input: QueryCommandInput,
): Promise<{ items: Item[]; lastKey?: Item }> {
  const result = await reader.client.send(new QueryCommand(input), { abortSignal: reader.signal });
  return { items: result.Items ?? [], lastKey: result.LastEvaluatedKey };
}

/** Every item in a key range, page by page (for small ranges: one city's or one day's rollup rows). */
export async function queryAll(
  reader: Reader,
  input: QueryCommandInput,
  maxPages = MAX_PAGES,
): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  for (let page = 0; page < maxPages; page += 1) {
    const result = await reader.client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }), {
      abortSignal: reader.signal,
    });
    items.push(...(result.Items ?? []));
    startKey = result.LastEvaluatedKey;
    if (!startKey) break;
  }
  return items;
}

/** Counts the items of a key range that pass the filter, without reading them (Select: COUNT). */
export async function queryCount(
  reader: Reader,
  input: QueryCommandInput,
  maxPages = MAX_PAGES,
): Promise<number> {
  let count = 0;
  let startKey: Item | undefined;
  for (let page = 0; page < maxPages; page += 1) {
    const result = await reader.client.send(
      new QueryCommand({ ...input, Select: 'COUNT', ExclusiveStartKey: startKey }),
      { abortSignal: reader.signal },
    );
    count += result.Count ?? 0;
    startKey = result.LastEvaluatedKey;
    if (!startKey) break;
  }
  return count;
}
