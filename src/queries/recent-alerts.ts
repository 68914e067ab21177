import { toEventDocument, listOf, type EventDocument, type ListDocument } from './documents.js';
import { queryUpTo } from '../store/query-pages.js';
import { INDEX, type ReadContext } from './read-context.js';
import { daysBefore, daysNewestFirst, epochSeconds, hoursBefore } from './time-range.js';

export interface AlertsQuery {
  city?: string;
  hours: number;
  /** At most this many alerts, newest first; the default is the API's maximum. */
  limit?: number;
}

export const MAX_ALERTS = 1000;

/**
 * Alerts of the last `hours`, newest first (by `alert_key` = `<timestamp>#<event_id>`, so alerts that
 * share a timestamp are all kept and come back in a stable order).
 * With a city: one Query on the table. Without: the `by-day` index, one Query per UTC day touched,
 * newest day first, which already yields the global newest-first order.
 */
export async function recentAlerts(
  ctx: ReadContext,
  query: AlertsQuery,
): Promise<ListDocument<EventDocument>> {
  const now = ctx.now ?? new Date();
  const want = query.limit ?? MAX_ALERTS;
  const cutoff = hoursBefore(now, query.hours).toISOString();
  const values = { ':cutoff': { S: cutoff }, ':now': { N: String(epochSeconds(now)) } };
  const common = { FilterExpression: 'expires_at > :now', ScanIndexForward: false } as const;

  if (query.city !== undefined) {
    const items = await queryUpTo(
      ctx,
      {
        TableName: ctx.tables.alerts,
        KeyConditionExpression: '#city = :city AND alert_key >= :cutoff',
        ExpressionAttributeNames: { '#city': 'city' },
        ExpressionAttributeValues: { ...values, ':city': { S: query.city } },
        ...common,
      },
      want,
    );
    return listOf(items.map(toEventDocument));
  }

  // Tomorrow is included so an alert stamped slightly ahead of this clock is not missed.
  const days = daysNewestFirst(daysBefore(now, -1), hoursBefore(now, query.hours));
  const found: EventDocument[] = [];
  for (const day of days) {
    if (found.length >= want) break;
    const items = await queryUpTo(
      ctx,
      {
        TableName: ctx.tables.alerts,
        IndexName: INDEX.alertsByDay,
        KeyConditionExpression: '#day = :day AND alert_key >= :cutoff',
        ExpressionAttributeNames: { '#day': 'day' },
        ExpressionAttributeValues: { ...values, ':day': { S: day } },
        ...common,
      },
      want - found.length,
    );
    found.push(...items.map(toEventDocument));
  }
  return listOf(found);
}
