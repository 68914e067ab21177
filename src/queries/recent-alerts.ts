import { alertCursor, type AlertCursor } from './cursor.js';
import { pageOf, toEventDocument, type EventDocument, type ListDocument } from './documents.js';
import { LIMITS } from './parameters.js';
import { queryUpTo } from '../store/query-pages.js';
import { INDEX, type ReadContext } from './read-context.js';
import { readDaysNewestFirst } from './day-reads.js';
import { daysBefore, daysNewestFirst, epochSeconds, hoursBefore } from './time-range.js';

export interface AlertsQuery {
  city?: string;
  hours: number;
  /** At most this many alerts on a page, newest first; default LIMITS.alertsLimit.default. */
  limit?: number;
  /** Page on from here (the `next` of the previous page). */
  after?: AlertCursor;
}

export const MAX_ALERTS = LIMITS.alertsLimit.max;

/**
 * Alerts of the last `hours`, newest first (by `alert_key` = `<timestamp>#<event_id>`, so alerts that
 * share a timestamp are all kept and come back in a stable order).
 * With a city: one Query on the table. Without: the `by-day` index, one Query per UTC day touched,
 * newest day first, which already yields the global newest-first order. A page reads `limit + 1` items
 * (the extra one says whether a next page exists); with a cursor, the key range ends just before it.
 */
export async function recentAlerts(
  ctx: ReadContext,
  query: AlertsQuery,
): Promise<ListDocument<EventDocument>> {
  const now = ctx.now ?? new Date();
  const limit = query.limit ?? LIMITS.alertsLimit.default;
  const want = limit + 1;
  const cutoff = hoursBefore(now, query.hours).toISOString();
  // alert_key < the cursor's key: "<=" the largest key below it (keys are `<time>#<id>`, compared as strings).
  const upper = query.after ? keyBefore(query.after.alert_key) : undefined;
  const range = upper ? 'alert_key BETWEEN :cutoff AND :upper' : 'alert_key >= :cutoff';
  const values = {
    ':cutoff': { S: cutoff },
    ':now': { N: String(epochSeconds(now)) },
    ...(upper ? { ':upper': { S: upper } } : {}),
  };
  const common = { FilterExpression: 'expires_at > :now', ScanIndexForward: false } as const;
  const page = (items: EventDocument[]) => pageOf(items, limit, alertCursor);
  if (upper !== undefined && upper < cutoff) return page([]);

  if (query.city !== undefined) {
    const items = await queryUpTo(
      ctx,
      {
        TableName: ctx.tables.alerts,
        KeyConditionExpression: `#city = :city AND ${range}`,
        ExpressionAttributeNames: { '#city': 'city' },
        ExpressionAttributeValues: { ...values, ':city': { S: query.city } },
        ...common,
      },
      want,
    );
    return page(items.map(toEventDocument));
  }

  // Tomorrow is included so an alert stamped slightly ahead of this clock is not missed.
  const newest = query.after ? new Date(query.after.alert_key.slice(0, 24)) : daysBefore(now, -1);
  const days = daysNewestFirst(newest, hoursBefore(now, query.hours));
  const found = await readDaysNewestFirst(
    days,
    want,
    async (day, upTo) =>
      (
        await queryUpTo(
          ctx,
          {
            TableName: ctx.tables.alerts,
            IndexName: INDEX.alertsByDay,
            KeyConditionExpression: `#day = :day AND ${range}`,
            ExpressionAttributeNames: { '#day': 'day' },
            ExpressionAttributeValues: { ...values, ':day': { S: day } },
            ...common,
          },
          upTo,
        )
      ).map(toEventDocument),
    { firstIsGuard: !query.after },
  );
  return page(found);
}

/**
 * An upper bound for BETWEEN that excludes `alertKey` and keeps every smaller key: `alertKey` with its
 * last character lowered by one and U+FFFF appended. Keys are ASCII (`<ISO time>#<id>`) and DynamoDB
 * compares UTF-8 bytes, so no stored key falls between this bound and `alertKey`.
 */
function keyBefore(alertKey: string): string {
  const last = alertKey.charCodeAt(alertKey.length - 1);
  return `${alertKey.slice(0, -1)}${String.fromCharCode(last - 1)}\uffff`;
}
