import { describe, expect, it } from 'vitest';
import type { CityEvent } from '../../src/events/event.js';
import {
  alertItem,
  cityShard,
  eventWrites,
  expiresAt,
  fnv1a32,
  rawEventItem,
} from '../../src/store/items.js';

const event: CityEvent = {
  event_id: '2f1c9a54-3b7e-4d0a-9c1e-5f6a7b8c9d0e',
  event_type: 'incident',
  city: 'NYC',
  severity: 'critical',
  timestamp: '2026-11-22T18:05:00.123Z',
  description: 'Water main break',
};

describe('event items', () => {
  it('hashes with 32-bit FNV-1a (published test vectors)', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('hashes the UTF-8 bytes of text beyond ASCII (the same shard in any language)', () => {
    const overBytes = (text: string) =>
      [...Buffer.from(text, 'utf8')].reduce((h, b) => Math.imul(h ^ b, 0x01000193) >>> 0, 0x811c9dc5);
    for (const text of ['é', 'São-Paulo-7', 'id-東京-1', 'mixed-ascii-then-ü', '😀'])
      expect(fnv1a32(text)).toBe(overBytes(text));
    expect(fnv1a32('é')).not.toBe(fnv1a32('\u00e9'.normalize('NFD')));
  });

  it('shards the city index by FNV-1a(event_id) mod 4', () => {
    expect(cityShard('NYC', event.event_id)).toBe(`NYC#${fnv1a32(event.event_id) % 4}`);
    const shards = new Set(Array.from({ length: 200 }, (_, i) => cityShard('LA', `id-${i}`)));
    expect([...shards].sort()).toEqual(['LA#0', 'LA#1', 'LA#2', 'LA#3']);
  });

  it('expires an item ttlDays after its event time, in epoch seconds', () => {
    expect(expiresAt('2026-11-22T18:05:00.123Z', 30)).toBe(
      Math.floor(Date.parse('2026-12-22T18:05:00Z') / 1000),
    );
  });

  it('builds the raw-event item without undefined optional fields', () => {
    expect(rawEventItem(event, { ttlDays: 30 })).toEqual({
      ...event,
      city_shard: cityShard('NYC', event.event_id),
      expires_at: expiresAt(event.timestamp, 30),
    });
    const located = rawEventItem(
      { ...event, location: { lat: 40.7, lon: -74 }, source: 'sensor' },
      { ttlDays: 1 },
    );
    expect(located.location).toEqual({ lat: 40.7, lon: -74 });
    expect(located.source).toBe('sensor');
    expect(Object.keys(rawEventItem(event, { ttlDays: 1 }))).not.toContain('location');
  });

  it('builds the alert item keyed by city and timestamp#event_id, indexed by day', () => {
    expect(alertItem(event, { ttlDays: 7 })).toEqual({
      ...event,
      alert_key: `2026-11-22T18:05:00.123Z#${event.event_id}`,
      day: '2026-11-22',
      expires_at: expiresAt(event.timestamp, 7),
    });
  });

  it('turns events and alerts into writes for the two tables with their keys', () => {
    const writes = eventWrites({ rawEvents: 'r', alerts: 'a' }, [event], [event], { ttlDays: 30 });
    expect(writes.map((w) => [w.table, w.key, w.items.length])).toEqual([
      ['r', ['event_id', 'timestamp'], 1],
      ['a', ['city', 'alert_key'], 1],
    ]);
  });
});
