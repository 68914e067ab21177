/**
 * Writes events straight into the tables with PutItem, in the layout of docs/data-model.md. Used by the
 * read side's own unit-level tests; the integration suite writes through the pipeline's writer instead.
 */
import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { CityEvent } from '../../../src/pipeline/event.js';
import type { TableNames } from '../../../src/pipeline/table-definitions.js';
import { isAlert, TTL_DAYS, WINDOW_MS, windowStartOf } from './read-data-set.js';

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const ch of Buffer.from(text)) h = Math.imul(h ^ ch, 0x01000193) >>> 0;
  return h;
}

export async function putDataSet(
  client: DynamoDBClient,
  tables: TableNames,
  events: CityEvent[],
): Promise<void> {
  const put = (TableName: string, item: Record<string, unknown>) =>
    client.send(new PutItemCommand({ TableName, Item: marshall(item, { removeUndefinedValues: true }) }));
  const rollups = new Map<string, Record<string, unknown>>();
  const windows = new Map<string, Record<string, unknown>>();
  for (const ev of events) {
    const expires_at = Math.floor(Date.parse(ev.timestamp) / 1000) + TTL_DAYS * 86_400;
    await put(tables.rawEvents, { ...ev, city_shard: `${ev.city}#${fnv1a(ev.event_id) % 4}`, expires_at });
    const day = ev.timestamp.slice(0, 10);
    if (isAlert(ev))
      await put(tables.alerts, { ...ev, alert_key: `${ev.timestamp}#${ev.event_id}`, day, expires_at });
    for (const scope of [ev.city, '*']) {
      const key = `${scope}|${day}`;
      const row = rollups.get(key) ?? {
        scope,
        day,
        event_count: 0,
        alert_count: 0,
        p_0: { o: 0, first: ev.timestamp, last: ev.timestamp },
      };
      const bump = (name: string) => (row[name] = ((row[name] as number | undefined) ?? 0) + 1);
      bump('event_count');
      if (isAlert(ev)) bump('alert_count');
      bump(`t_${ev.event_type}`);
      bump(`s_${ev.severity}`);
      if (scope === '*') bump(`c_${ev.city}`);
      const p = row.p_0 as { first: string; last: string };
      if (ev.timestamp < p.first) p.first = ev.timestamp;
      if (ev.timestamp > p.last) p.last = ev.timestamp;
      rollups.set(key, row);
    }
    const ws = windowStartOf(ev);
    const wkey = `${ev.city}#${ev.event_type}|${ws}`;
    const w = windows.get(wkey) ?? {
      agg_key: `${ev.city}#${ev.event_type}`,
      window_start: ws,
      window_end: new Date(Date.parse(ws) + WINDOW_MS).toISOString(),
      window_day: ws.slice(0, 10),
      city: ev.city,
      event_type: ev.event_type,
      event_count: 0,
      low: 0,
      medium: 0,
      high: 0,
      critical: 0,
      final: true,
      p_0: { o: 0, n: 0 },
    };
    w.event_count = (w.event_count as number) + 1;
    w[ev.severity] = (w[ev.severity] as number) + 1;
    windows.set(wkey, w);
  }
  for (const row of rollups.values()) await put(tables.rollups, row);
  for (const w of windows.values()) await put(tables.aggregations, w);
}
