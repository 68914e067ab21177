import type { QueryCommand } from '@aws-sdk/client-dynamodb';
import { eventCursor, type EventCursor } from './cursor.js';
import { pageOf, toEventDocument, type EventDocument, type Item, type ListDocument } from './documents.js';
import { newestFirst } from './newest-first.js';
import { MAX_PAGES, queryPage } from '../store/query-pages.js';
import { CITY_SHARDS, INDEX, type ReadContext } from './read-context.js';
import { epochSeconds } from './time-range.js';

const newestEvent = (a: EventDocument, b: EventDocument) =>
  newestFirst(a.timestamp, b.timestamp) || newestFirst(a.event_id, b.event_id);

/**
 * The newest `limit` events of a city (after `after`, when paging): the `by-city` index's shards are
 * each read newest first and merged lazily — a shard is asked for a little more than its share of the
 * page, and for more only when the merge runs it dry — so a page reads about `1.5 × limit` items, not
 * `limit × shards`. Expired items (TTL passed, not yet deleted) are filtered out.
 */
export async function recentEvents(
  ctx: ReadContext,
  city: string,
  limit: number,
  after?: EventCursor,
): Promise<ListDocument<EventDocument>> {
  const now = ctx.now ?? new Date();
  const want = limit + 1; // one more than the page: is there a next page?
  const shards = Array.from(
    { length: CITY_SHARDS },
    (_, n) => new ShardReader(ctx, `${city}#${n}`, now, after),
  );
  // Events are spread over the shards by a hash of their id, so a shard's part of a page varies around
  // want / shards; asking each for half as much again (plus two) makes a second round trip rare, which
  // matters more than the few extra items (a Query's fixed cost dominates on the embedded engine).
  const share = Math.ceil((want * 1.5) / CITY_SHARDS) + 2;
  await Promise.all(shards.map((s) => s.fill(share)));
  const merged: EventDocument[] = [];
  while (merged.length < want) {
    await Promise.all(shards.filter((s) => s.dry).map((s) => s.fill(want - merged.length)));
    let best: ShardReader | undefined;
    for (const s of shards) {
      const head = s.head;
      if (head && (!best || newestEvent(head, best.head!) < 0)) best = s;
    }
    if (!best) break;
    merged.push(best.take());
  }
  return pageOf(merged, limit, eventCursor);
}

/** One shard of the `by-city` index, read newest first page by page as the merge consumes it. */
class ShardReader {
  private buffer: EventDocument[] = [];
  private startKey: Item | undefined;
  private done = false;
  private pages = 0;

  constructor(
    private readonly ctx: ReadContext,
    private readonly shard: string,
    private readonly now: Date,
    private readonly after?: EventCursor,
  ) {}

  get head(): EventDocument | undefined {
    return this.buffer[0];
  }

  /** Empty, but the shard has more. */
  get dry(): boolean {
    return this.buffer.length === 0 && !this.done;
  }

  take(): EventDocument {
    return this.buffer.shift()!;
  }

  /** Reads until `n` items are buffered or the shard is exhausted (bounded by MAX_PAGES requests). */
  async fill(n: number): Promise<void> {
    while (this.buffer.length < n && !this.done && this.pages < MAX_PAGES) {
      this.pages += 1;
      const page = await queryPage(this.ctx, this.input(n - this.buffer.length));
      for (const item of page.items) {
        const doc = toEventDocument(item);
        // Events sharing the cursor's timestamp: keep only those after it in the order.
        if (!this.after || newestEvent(doc, this.after as EventDocument) > 0) this.buffer.push(doc);
      }
      this.startKey = page.lastKey;
      if (!this.startKey) this.done = true;
    }
    if (this.pages >= MAX_PAGES) this.done = true;
  }

  private input(limit: number): ConstructorParameters<typeof QueryCommand>[0] {
    const values: Record<string, { S: string } | { N: string }> = {
      ':shard': { S: this.shard },
      ':now': { N: String(epochSeconds(this.now)) },
    };
    if (this.after) values[':ts'] = { S: this.after.timestamp };
    return {
      TableName: this.ctx.tables.rawEvents,
      IndexName: INDEX.rawEventsByCity,
      KeyConditionExpression: `city_shard = :shard${this.after ? ' AND #ts <= :ts' : ''}`,
      ...(this.after ? { ExpressionAttributeNames: { '#ts': 'timestamp' } } : {}),
      FilterExpression: 'expires_at > :now',
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
      Limit: limit,
      ExclusiveStartKey: this.startKey,
    };
  }
}
