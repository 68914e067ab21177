import type { Item } from '../store/query-pages.js';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { SEVERITIES } from '../events/event.js';
import type { AggregationDocument, EventDocument, ListDocument } from './document-schemas.js';

export type { AggregationDocument, EventDocument, ListDocument } from './document-schemas.js';

export type { Item } from '../store/query-pages.js';

/** Picks the public attributes of a raw-event or alert item, in a fixed order. */
export function toEventDocument(item: Item): EventDocument {
  const v = unmarshall(item);
  const doc: EventDocument = {
    event_id: String(v.event_id),
    timestamp: String(v.timestamp),
    city: String(v.city),
    event_type: String(v.event_type),
    severity: String(v.severity),
    description: String(v.description ?? ''),
  };
  if (v.location && typeof v.location === 'object') {
    doc.location = { lat: Number(v.location.lat), lon: Number(v.location.lon) };
  }
  if (typeof v.source === 'string') doc.source = v.source;
  return doc;
}

export function toAggregationDocument(item: Item): AggregationDocument {
  const v = unmarshall(item);
  const [city = '', eventType = ''] = splitAggKey(String(v.agg_key ?? ''));
  const severity = Object.fromEntries(SEVERITIES.map((s) => [s, Number(v[s] ?? 0)])) as Record<
    (typeof SEVERITIES)[number],
    number
  >;
  return {
    city: typeof v.city === 'string' ? v.city : city,
    event_type: typeof v.event_type === 'string' ? v.event_type : eventType,
    window_start: String(v.window_start),
    window_end: String(v.window_end ?? ''),
    event_count: Number(v.event_count ?? 0),
    ...severity,
    final: v.final === true,
  };
}

/** `<city>#<type>`; a city may not contain `#` (the parameter rules forbid it), the type never does. */
function splitAggKey(key: string): [string, string] {
  const at = key.lastIndexOf('#');
  return at < 0 ? [key, ''] : [key.slice(0, at), key.slice(at + 1)];
}

export function listOf<T>(items: T[], next?: string): ListDocument<T> {
  return next === undefined ? { count: items.length, items } : { count: items.length, items, next };
}

/**
 * A page from `limit + 1` items read in order: the first `limit`, and the token after the last of them
 * when the extra item shows that more follow.
 */
export function pageOf<T>(items: T[], limit: number, cursor: (last: T) => string): ListDocument<T> {
  if (items.length <= limit) return listOf(items);
  const page = items.slice(0, limit);
  return listOf(page, cursor(page[page.length - 1]!));
}
