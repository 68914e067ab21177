import { eventFields, type CityEvent } from '../events/event.js';
import { CITY_SHARDS, keyAttributes, type TableNames } from './table-definitions.js';
import type { TableWrite } from './batch-writer.js';

/**
 * The items the processor puts for each valid event (docs/data-model.md): pure functions of the event,
 * so a replayed event rewrites exactly the same item.
 */

export interface ItemOptions {
  /** Days an item is kept after its event time (the TTL attribute). */
  ttlDays: number;
}

export type RawEventItem = CityEvent & { city_shard: string; expires_at: number };
export type AlertItem = CityEvent & { alert_key: string; day: string; expires_at: number };

const FNV_OFFSET = 0x811c9dc5;

/** 32-bit FNV-1a over the UTF-8 bytes: cheap, stable across processes and languages. */
export function fnv1a32(text: string): number {
  // ASCII (every generated event_id, every UUID) is its own UTF-8: hashed without encoding it.
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) return fnv1a32Utf8(text);
    hash = fnvStep(hash, code);
  }
  return hash;
}

function fnv1a32Utf8(text: string): number {
  let hash = FNV_OFFSET;
  for (const byte of Buffer.from(text, 'utf8')) hash = fnvStep(hash, byte);
  return hash;
}

function fnvStep(hash: number, byte: number): number {
  return Math.imul(hash ^ byte, 0x01000193) >>> 0;
}

/** The write shard of the raw-events `by-city` index: `<city>#<FNV-1a(event_id) mod 4>`. */
export function cityShard(city: string, eventId: string, shards = CITY_SHARDS): string {
  return `${city}#${fnv1a32(eventId) % shards}`;
}

/** Epoch seconds of the event time plus the TTL. */
export function expiresAt(timestamp: string, ttlDays: number): number {
  return Math.floor(Date.parse(timestamp) / 1000) + ttlDays * 86_400;
}

export function rawEventItem(event: CityEvent, options: ItemOptions): RawEventItem {
  return {
    ...eventFields(event),
    city_shard: cityShard(event.city, event.event_id),
    expires_at: expiresAt(event.timestamp, options.ttlDays),
  };
}

export function alertItem(event: CityEvent, options: ItemOptions): AlertItem {
  return {
    ...eventFields(event),
    alert_key: `${event.timestamp}#${event.event_id}`,
    day: event.timestamp.slice(0, 10),
    expires_at: expiresAt(event.timestamp, options.ttlDays),
  };
}

/** The batch writes for a set of raw events and alerts: what the processor's `putEvents` hands the writer. */
export function eventWrites(
  tables: Pick<TableNames, 'rawEvents' | 'alerts'>,
  rawEvents: readonly CityEvent[],
  alerts: readonly CityEvent[],
  options: ItemOptions,
): TableWrite[] {
  return [
    {
      table: tables.rawEvents,
      key: keyAttributes('raw-events'),
      items: rawEvents.map((e) => rawEventItem(e, options)),
    },
    { table: tables.alerts, key: keyAttributes('alerts'), items: alerts.map((e) => alertItem(e, options)) },
  ];
}
