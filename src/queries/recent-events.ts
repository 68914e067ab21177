import { toEventDocument, listOf, type EventDocument, type ListDocument } from './documents.js';
import { mergeSorted, newestFirst } from './newest-first.js';
import { queryUpTo } from '../store/query-pages.js';
import { CITY_SHARDS, INDEX, type ReadContext } from './read-context.js';
import { epochSeconds } from './time-range.js';

/**
 * The newest `limit` events of a city: one Query per shard of the `by-city` index, newest first, each
 * asking for `limit` live items, merged. Expired items (TTL passed, not yet deleted) are filtered out.
 */
export async function recentEvents(
  ctx: ReadContext,
  city: string,
  limit: number,
): Promise<ListDocument<EventDocument>> {
  const now = ctx.now ?? new Date();
  const shards = Array.from({ length: CITY_SHARDS }, (_, n) => `${city}#${n}`);
  const lists = await Promise.all(
    shards.map(async (shard) => {
      const items = await queryUpTo(
        ctx,
        {
          TableName: ctx.tables.rawEvents,
          IndexName: INDEX.rawEventsByCity,
          KeyConditionExpression: 'city_shard = :shard',
          FilterExpression: 'expires_at > :now',
          ExpressionAttributeValues: { ':shard': { S: shard }, ':now': { N: String(epochSeconds(now)) } },
          ScanIndexForward: false,
        },
        limit,
      );
      return items.map(toEventDocument);
    }),
  );
  const merged = mergeSorted(
    lists,
    limit,
    (a, b) => newestFirst(a.timestamp, b.timestamp) || newestFirst(a.event_id, b.event_id),
  );
  return listOf(merged);
}
