import type { QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { EVENT_TYPES } from '../events/event.js';
import { aggregationCursor, justBefore, type AggregationCursor } from './cursor.js';
import { pageOf, toAggregationDocument, type AggregationDocument, type ListDocument } from './documents.js';
import { byName, mergeSorted, newestFirst } from './newest-first.js';
import { queryAll, queryUpTo } from '../store/query-pages.js';
import { INDEX, type ReadContext } from './read-context.js';
import { readDaysNewestFirst } from './day-reads.js';
import { daysBefore, daysNewestFirst } from './time-range.js';

export interface AggregationsQuery {
  city?: string;
  type?: string;
  limit: number;
  /** Canonical ISO instants bounding `window_start` (both included). */
  from?: string;
  to?: string;
}

/** Newest window first; windows that start together are ordered by city, then type. */
export function compareWindows(a: AggregationDocument, b: AggregationDocument): number {
  return (
    newestFirst(a.window_start, b.window_start) ||
    byName(a.city, b.city) ||
    byName(a.event_type, b.event_type)
  );
}

/**
 * The newest aggregation windows, filtered by city and/or type and a `window_start` range:
 * - city and type: one Query on `agg_key`;
 * - city alone: one Query per event type, merged;
 * - no city: the `by-day` index, one Query per UTC day from `to` (default: tomorrow) back to `from`,
 *   newest day first, stopping once `limit` windows are found (callers bound the span: MAX_DAY_SPAN).
 * `from` defaults to `ttlDays` ago.
 */
export async function aggregations(
  ctx: ReadContext,
  query: AggregationsQuery,
  after?: AggregationCursor,
): Promise<ListDocument<AggregationDocument>> {
  const now = ctx.now ?? new Date();
  const read = { ...ctx, now };
  // Without a lower bound, windows older than the TTL are left out, like the raw events they count.
  const bounded = { ...query, from: query.from ?? daysBefore(now, ctx.ttlDays).toISOString() };
  const want = query.limit + 1; // one more than the page: is there a next page?
  if (!after) return pageOf(await windows(read, { ...bounded, limit: want }), query.limit, aggregationCursor);
  // After a cursor: the rest of its window_start group, then everything that starts before it.
  const cursor = after as AggregationDocument;
  const group = (
    await windows(read, { ...bounded, from: after.window_start, to: after.window_start, limit: 1000 })
  ).filter((w) => compareWindows(w, cursor) > 0);
  const to = justBefore(after.window_start);
  const rest = to < bounded.from ? [] : await windows(read, { ...bounded, to, limit: want - group.length });
  return pageOf([...group, ...rest].slice(0, want), query.limit, aggregationCursor);
}

/** The newest `limit` windows of the query, in order (the bounds are already applied). */
async function windows(ctx: ReadContext, query: AggregationsQuery): Promise<AggregationDocument[]> {
  if (query.from !== undefined && query.to !== undefined && query.to < query.from) return [];
  if (query.city !== undefined) {
    const types = query.type !== undefined ? [query.type] : [...EVENT_TYPES];
    const lists = await Promise.all(types.map((type) => windowsOfKey(ctx, `${query.city}#${type}`, query)));
    return mergeSorted(lists, query.limit, compareWindows);
  }
  return windowsByDay(ctx, query);
}

async function windowsOfKey(
  ctx: ReadContext,
  aggKey: string,
  query: AggregationsQuery,
): Promise<AggregationDocument[]> {
  const range = windowRange(query);
  const items = await queryUpTo(
    ctx,
    {
      TableName: ctx.tables.aggregations,
      KeyConditionExpression: `agg_key = :key${range.condition}`,
      ExpressionAttributeValues: { ':key': { S: aggKey }, ...range.values },
      ScanIndexForward: false,
    },
    query.limit,
  );
  return items.map(toAggregationDocument);
}

async function windowsByDay(ctx: ReadContext, query: AggregationsQuery): Promise<AggregationDocument[]> {
  const now = ctx.now ?? new Date();
  // Tomorrow is included so a window stamped slightly ahead of this clock is not missed.
  const newest = query.to !== undefined ? new Date(query.to) : daysBefore(now, -1);
  const oldest = new Date(query.from ?? now);
  const range = windowRange(query);
  // One window more than asked: when it starts earlier than the last one asked for, Limit did not cut
  // through the last group of windows that start together, and no extra Query is needed for it.
  const reading = query.limit + 1;
  const found = await readDaysNewestFirst(
    daysNewestFirst(newest, oldest),
    reading,
    async (day, upTo) =>
      (await queryUpTo(ctx, dayQuery(ctx, day, range, query.type), upTo)).map(toAggregationDocument),
    { firstIsGuard: query.to === undefined },
  );
  if (found.length < reading) return found.sort(compareWindows).slice(0, query.limit);
  const boundary = found[query.limit - 1]!.window_start;
  if (found[query.limit]!.window_start !== boundary) return found.sort(compareWindows).slice(0, query.limit);
  // The index orders windows that start together arbitrarily, and Limit may have cut through such a
  // group: read the whole group at the boundary so the answer is exact and stable.
  const group = await queryAll(ctx, dayQuery(ctx, boundary.slice(0, 10), exactly(boundary), query.type));
  const rest = found.filter((w) => w.window_start !== boundary);
  return [...rest, ...group.map(toAggregationDocument)].sort(compareWindows).slice(0, query.limit);
}

interface KeyRange {
  condition: string;
  values: QueryCommandInput['ExpressionAttributeValues'];
}

function windowRange(query: AggregationsQuery): KeyRange {
  if (query.from !== undefined && query.to !== undefined) {
    return {
      condition: ' AND window_start BETWEEN :from AND :to',
      values: { ':from': { S: query.from }, ':to': { S: query.to } },
    };
  }
  if (query.from !== undefined)
    return { condition: ' AND window_start >= :from', values: { ':from': { S: query.from } } };
  if (query.to !== undefined)
    return { condition: ' AND window_start <= :to', values: { ':to': { S: query.to } } };
  return { condition: '', values: {} };
}

function exactly(windowStart: string): KeyRange {
  return { condition: ' AND window_start = :ws', values: { ':ws': { S: windowStart } } };
}

function dayQuery(ctx: ReadContext, day: string, range: KeyRange, type?: string): QueryCommandInput {
  return {
    TableName: ctx.tables.aggregations,
    IndexName: INDEX.aggregationsByDay,
    KeyConditionExpression: `window_day = :day${range.condition}`,
    ...(type !== undefined ? { FilterExpression: 'event_type = :type' } : {}),
    ExpressionAttributeValues: {
      ':day': { S: day },
      ...range.values,
      ...(type ? { ':type': { S: type } } : {}),
    },
    ScanIndexForward: false,
  };
}
