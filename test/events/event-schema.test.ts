import { describe, expect, it } from 'vitest';
import { parseEvent, parseTimestamp, serializeEvent } from '../../src/events/event-schema.js';

const NOW = Date.parse('2026-11-22T18:00:00.000Z');
const good = {
  event_id: '0b6c3a52-5e1f-4c1e-9a7e-2f4a1d3c9b10',
  event_type: 'traffic',
  city: 'Chicago',
  severity: 'high',
  timestamp: '2026-11-22T17:55:00Z',
  description: 'Lane closure near Main St',
  location: { lat: 41.88, lon: -87.63 },
  source: 'sensor-7',
};

function reasonOf(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const result = parseEvent(text, { now: NOW });
  return result.ok ? 'ok' : result.reason;
}

describe('event schema', () => {
  it('accepts a valid event and canonicalises it', () => {
    const result = parseEvent(Buffer.from(JSON.stringify({ ...good, extra: 1 })), { now: NOW });
    expect(result).toEqual({ ok: true, event: { ...good, timestamp: '2026-11-22T17:55:00.000Z' } });
  });

  it('accepts optional fields absent or null', () => {
    const { location: _l, source: _s, ...bare } = good;
    expect(reasonOf(bare)).toBe('ok');
    expect(reasonOf({ ...bare, location: null, source: null })).toBe('ok');
  });

  it.each([
    ['2026-11-22T17:55:00+01:00', '2026-11-22T16:55:00.000Z'],
    ['2026-11-22T17:55:00.123456Z', '2026-11-22T17:55:00.123Z'],
    ['2026-11-22T12:55:00.5-0230', '2026-11-22T15:25:00.500Z'],
    ['2026-11-22T17:55', '2026-11-22T17:55:00.000Z'],
    ['2026-11-22 17:55:00', '2026-11-22T17:55:00.000Z'],
  ])('canonicalises timestamp %s', (input, expected) => {
    const result = parseEvent(JSON.stringify({ ...good, timestamp: input }), { now: NOW });
    expect(result.ok && result.event.timestamp).toBe(expected);
  });

  it.each([
    ['oversize', { ...good, description: 'x'.repeat(70_000) }],
    ['empty_value', '   '],
    ['invalid_json', '{"event_id": '],
    ['invalid_json', 'city=NYC'],
    ['not_an_object', [good]],
    ['not_an_object', 42],
    ['not_an_object', null],
    ['missing_field:event_id', { ...good, event_id: undefined }],
    ['missing_field:event_type', { ...good, event_type: null }],
    ['missing_field:city', { ...good, city: undefined }],
    ['missing_field:severity', { ...good, severity: undefined }],
    ['missing_field:timestamp', { ...good, timestamp: undefined }],
    ['missing_field:description', { ...good, description: undefined }],
    ['bad_type:event_id', { ...good, event_id: 7 }],
    ['bad_type:severity', { ...good, severity: 3 }],
    ['bad_type:timestamp', { ...good, timestamp: 1763834100000 }],
    ['bad_type:description', { ...good, description: ['a'] }],
    ['bad_type:source', { ...good, source: 5 }],
    ['bad_value:event_id', { ...good, event_id: '' }],
    ['bad_value:city', { ...good, city: '' }],
    ['bad_value:city', { ...good, city: 'a#b' }],
    ['bad_value:city', { ...good, city: ' NYC' }],
    ['bad_value:city', { ...good, city: 'x'.repeat(65) }],
    ['bad_value:source', { ...good, source: 'x'.repeat(257) }],
    ['unknown_event_type', { ...good, event_type: 'parade' }],
    ['unknown_event_type', { ...good, event_type: 'TRAFFIC' }],
    ['unknown_severity', { ...good, severity: 'extreme' }],
    ['bad_timestamp', { ...good, timestamp: 'yesterday' }],
    ['bad_timestamp', { ...good, timestamp: '2026-02-30T00:00:00Z' }],
    ['bad_timestamp', { ...good, timestamp: '2026-13-01T00:00:00Z' }],
    ['bad_timestamp', { ...good, timestamp: '' }],
    ['timestamp_in_future', { ...good, timestamp: '2026-11-22T19:00:00.001Z' }],
    ['bad_location', { ...good, location: { lat: 91, lon: 0 } }],
    ['bad_location', { ...good, location: { lat: '41', lon: 0 } }],
    ['bad_location', { ...good, location: [41, 0] }],
  ])('rejects with %s', (reason, value) => {
    expect(reasonOf(value)).toBe(reason);
  });

  it('rejects a null Kafka value (tombstone)', () => {
    expect(parseEvent(null)).toEqual({ ok: false, reason: 'empty_value' });
  });

  it('allows exactly the future limit', () => {
    expect(reasonOf({ ...good, timestamp: '2026-11-22T19:00:00.000Z' })).toBe('ok');
  });

  it('serialises canonically and round-trips', () => {
    const result = parseEvent(JSON.stringify(good), { now: NOW });
    if (!result.ok) throw new Error(result.reason);
    const text = serializeEvent(result.event);
    expect(Object.keys(JSON.parse(text))).toEqual([
      'event_id',
      'event_type',
      'city',
      'severity',
      'timestamp',
      'description',
      'location',
      'source',
    ]);
    expect(parseEvent(text, { now: NOW })).toEqual(result);
  });

  it('refuses timestamps with impossible offsets or years before 100', () => {
    expect(parseTimestamp('2026-11-22T17:55:00+25:00')).toBeUndefined();
    expect(parseTimestamp('0050-01-01T00:00:00Z')).toBeUndefined();
  });
});
