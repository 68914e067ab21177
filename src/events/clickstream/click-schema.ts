import {
  parseJsonMessage,
  parseTimestamp,
  Rejection,
  MAX_EVENT_BYTES,
  MAX_FUTURE_MS,
  MAX_ID_LENGTH,
} from '../event-schema.js';
import {
  CLICK_EVENT_TYPES,
  DEVICES,
  clickEventFields,
  type ClickEvent,
  type ClickEventType,
  type Device,
} from './click-event.js';

/**
 * Parses one clickstream message value. Like the city parser, a rejection has a stable reason code (the
 * DLQ's `reason` header, docs/events.md), checks run in a fixed order, unknown fields are dropped, and the
 * accepted event is canonical.
 */
export type ClickParseResult = { ok: true; event: ClickEvent } | { ok: false; reason: string };

export interface ClickParseOptions {
  now?: number;
  maxFutureMs?: number;
  maxBytes?: number;
}

/** Events that carry a product, and events that carry a price. */
const NEEDS_PRODUCT: readonly ClickEventType[] = ['ADD_TO_CART', 'REMOVE_FROM_CART'];
const NEEDS_PRICE: readonly ClickEventType[] = ['ADD_TO_CART', 'REMOVE_FROM_CART', 'CHECKOUT', 'PURCHASE'];
export const MAX_PRICE = 10_000_000;

export function parseClickEvent(
  value: Buffer | string | null | undefined,
  options: ClickParseOptions = {},
): ClickParseResult {
  return parseJsonMessage(value, options.maxBytes ?? MAX_EVENT_BYTES, (parsed) =>
    validateClickEvent(parsed, options),
  );
}

export function validateClickEvent(input: unknown, options: ClickParseOptions = {}): ClickEvent {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new Rejection('not_an_object');
  const o = input as Record<string, unknown>;
  const eventId = identifier(o, 'event_id');
  const eventType = requiredString(o, 'event_type');
  if (!(CLICK_EVENT_TYPES as readonly string[]).includes(eventType))
    throw new Rejection('unknown_event_type');
  const type = eventType as ClickEventType;
  const userId = identifier(o, 'user_id');
  const sessionId = identifier(o, 'session_id');
  const page = requiredString(o, 'page');
  if (!/^\/[A-Za-z0-9/_.-]{0,127}$/.test(page)) throw new Rejection('bad_value:page');
  const productId = optionalIdentifier(o, 'product_id');
  if (productId === null && NEEDS_PRODUCT.includes(type)) throw new Rejection('missing_field:product_id');
  const price = optionalPrice(o);
  if (price === null && NEEDS_PRICE.includes(type)) throw new Rejection('missing_field:price');
  const device = requiredString(o, 'device');
  if (!(DEVICES as readonly string[]).includes(device)) throw new Rejection('unknown_device');
  const region = label(o, 'region');
  const referrer = label(o, 'referrer');
  const time = parseTimestamp(requiredString(o, 'timestamp'));
  if (time === undefined) throw new Rejection('bad_timestamp');
  if (time > (options.now ?? Date.now()) + (options.maxFutureMs ?? MAX_FUTURE_MS))
    throw new Rejection('timestamp_in_future');
  return {
    event_id: eventId,
    event_type: type,
    user_id: userId,
    session_id: sessionId,
    page,
    product_id: productId,
    price,
    device: device as Device,
    region,
    referrer,
    timestamp: new Date(time).toISOString(),
  };
}

/** The canonical message value. */
export function serializeClickEvent(event: ClickEvent): string {
  return JSON.stringify(clickEventFields(event));
}

function requiredString(o: Record<string, unknown>, field: string): string {
  const v = o[field];
  if (v === undefined || v === null) throw new Rejection(`missing_field:${field}`);
  if (typeof v !== 'string') throw new Rejection(`bad_type:${field}`);
  return v;
}

function identifier(o: Record<string, unknown>, field: string): string {
  const v = requiredString(o, field);
  if (!isIdentifier(v)) throw new Rejection(`bad_value:${field}`);
  return v;
}

function optionalIdentifier(o: Record<string, unknown>, field: string): string | null {
  const v = o[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new Rejection(`bad_type:${field}`);
  if (!isIdentifier(v)) throw new Rejection(`bad_value:${field}`);
  return v;
}

/** Region and referrer are open sets (the generator's are examples) but short and printable. */
function label(o: Record<string, unknown>, field: string): string {
  const v = requiredString(o, field);
  if (!/^[A-Za-z0-9 ._:/-]{1,64}$/.test(v)) throw new Rejection(`bad_value:${field}`);
  return v;
}

function optionalPrice(o: Record<string, unknown>): number | null {
  const v = o.price;
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number') throw new Rejection('bad_type:price');
  if (!Number.isFinite(v) || v < 0 || v > MAX_PRICE) throw new Rejection('bad_value:price');
  return Math.round(v * 100) / 100;
}

function isIdentifier(v: string): boolean {
  return v.length > 0 && v.length <= MAX_ID_LENGTH && /^[A-Za-z0-9_.:-]+$/.test(v);
}
