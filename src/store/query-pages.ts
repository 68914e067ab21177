import {
  QueryCommand,
  type AttributeValue,
  type DynamoDBClient,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/client-dynamodb';

export type Item = Record<string, AttributeValue>;

/**
 * What a Query needs: the client, the signal that abandons a read nobody waits for any more, and
 * optionally a wrapper for each request (the processor's reads retry throttling through it).
 */
export interface Reader {
  client: DynamoDBClient;
  signal?: AbortSignal;
  send?: (command: QueryCommand) => Promise<QueryCommandOutput>;
}

/**
 * A filtered Query returns fewer items than its Limit (DynamoDB applies Limit before the filter), so a
 * read that wants N items pages on until it has them, the key range is exhausted, or `maxPages` requests
 * have been made. The page bound keeps the cost of a read bounded even when many items are filtered out.
 */
export const MAX_PAGES = 20;

/**
 * The one pagination loop: the pages of a Query, following LastEvaluatedKey, at most `maxPages`.
 * `limit` is asked before each page with what has been gathered so far (undefined: DynamoDB's own page).
 */
export async function* queryPages(
  reader: Reader,
  input: QueryCommandInput,
  maxPages = MAX_PAGES,
  limit?: () => number | undefined,
): AsyncGenerator<QueryCommandOutput> {
  let startKey: Item | undefined;
  for (let page = 0; page < maxPages; page += 1) {
    const command = new QueryCommand({
      ...input,
      Limit: limit?.() ?? input.Limit,
      ExclusiveStartKey: startKey,
    });
    const result = reader.send ? await reader.send(command) : await sendQuery(reader, command);
    yield result;
    startKey = result.LastEvaluatedKey;
    if (!startKey) return;
  }
}

export async function queryUpTo(
  reader: Reader,
  input: QueryCommandInput,
  want: number,
  maxPages = MAX_PAGES,
): Promise<Item[]> {
  const items: Item[] = [];
  if (want <= 0) return items;
  for await (const page of queryPages(reader, input, maxPages, () => want - items.length)) {
    items.push(...(page.Items ?? []));
    if (items.length >= want) break;
  }
  return items.slice(0, want);
}

/** One Query request: its items and where the next page would start (undefined: the range is done). */
export async function queryPage(
  reader: Reader,
  input: QueryCommandInput,
): Promise<{ items: Item[]; lastKey?: Item }> {
  const result = await sendQuery(reader, new QueryCommand(input));
  return { items: result.Items ?? [], lastKey: result.LastEvaluatedKey };
}

/** Every item in a key range, page by page (for small ranges: one city's or one day's rollup rows). */
export async function queryAll(
  reader: Reader,
  input: QueryCommandInput,
  maxPages = MAX_PAGES,
): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of queryPages(reader, input, maxPages)) items.push(...(page.Items ?? []));
  return items;
}

/** Counts the items of a key range that pass the filter, without reading them (Select: COUNT). */
export async function queryCount(
  reader: Reader,
  input: QueryCommandInput,
  maxPages = MAX_PAGES,
): Promise<number> {
  let count = 0;
  for await (const page of queryPages(reader, { ...input, Select: 'COUNT' }, maxPages))
    count += page.Count ?? 0;
  return count;
}

/**
 * A Query through the client, unless the reader's deadline has passed (then its reason is thrown, and no
 * further page is asked for). The deadline is not handed to the SDK: any options object makes the client
 * resolve its middleware stack again instead of using the cached one (~200 µs of CPU per Query,
 * bench/dynamodb-client.ts). Whoever set the deadline answers on time by racing it (the API does); a
 * request that hangs is ended by the client's own request timeout.
 */
function sendQuery(reader: Reader, command: QueryCommand): Promise<QueryCommandOutput> {
  reader.signal?.throwIfAborted();
  return reader.client.send(command);
}
