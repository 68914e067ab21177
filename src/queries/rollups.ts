import { unmarshall } from '@aws-sdk/util-dynamodb';
import { queryAll, queryCount } from '../store/query-pages.js';
import type { CityDocument, StatsDocument, SummaryDocument } from './document-schemas.js';
import type { ReadContext } from './read-context.js';
import { cityCounts, sumRollups, type RollupTotals } from './rollup-totals.js';
import { epochSeconds, hoursBefore, oldestLiveDay } from './time-range.js';

/** The scope of the all-cities rollup rows. */
export const ALL_CITIES = '*';

export type { CityDocument, StatsDocument, SummaryDocument } from './document-schemas.js';

/** Totals over every city: one Query of the `*` rollup rows of the days still within the TTL. */
export async function stats(ctx: ReadContext): Promise<StatsDocument> {
  const t = await scopeTotals(ctx, ALL_CITIES);
  return {
    total_events: t.total_events,
    total_alerts: t.total_alerts,
    by_city: Object.fromEntries(cityCounts(t.by_city).map((c) => [c.city, c.event_count])),
    by_type: t.by_type,
    by_severity: t.by_severity,
    first_event_at: t.first_event_at,
    last_event_at: t.last_event_at,
  };
}

/** Every city with events within the TTL, biggest first: the same one Query as {@link stats}. */
export async function cities(ctx: ReadContext): Promise<CityDocument[]> {
  const t = await scopeTotals(ctx, ALL_CITIES);
  return cityCounts(t.by_city);
}

/** One city's totals (one rollup Query) and its alerts of the last 24 hours (one counting Query). */
export async function citySummary(ctx: ReadContext, city: string): Promise<SummaryDocument> {
  const now = ctx.now ?? new Date();
  const [t, alerts24h] = await Promise.all([
    scopeTotals({ ...ctx, now }, city),
    queryCount(ctx, {
      TableName: ctx.tables.alerts,
      KeyConditionExpression: '#city = :city AND alert_key >= :cutoff',
      FilterExpression: 'expires_at > :now',
      ExpressionAttributeNames: { '#city': 'city' },
      ExpressionAttributeValues: {
        ':city': { S: city },
        ':cutoff': { S: hoursBefore(now, 24).toISOString() },
        ':now': { N: String(epochSeconds(now)) },
      },
    }),
  ]);
  return {
    city,
    total_events: t.total_events,
    by_type: t.by_type,
    by_severity: t.by_severity,
    alerts_24h: alerts24h,
    last_event_at: t.last_event_at,
  };
}

async function scopeTotals(ctx: ReadContext, scope: string): Promise<RollupTotals> {
  const now = ctx.now ?? new Date();
  const items = await queryAll(ctx, {
    TableName: ctx.tables.rollups,
    KeyConditionExpression: '#scope = :scope AND #day >= :oldest',
    ExpressionAttributeNames: { '#scope': 'scope', '#day': 'day' },
    ExpressionAttributeValues: {
      ':scope': { S: scope },
      ':oldest': { S: oldestLiveDay(now, ctx.ttlDays) },
    },
  });
  return sumRollups(items.map((item) => unmarshall(item)));
}
