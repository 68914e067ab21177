import { describe, expect, it } from 'vitest';
import { parseClickEvent, serializeClickEvent } from '../../../src/events/clickstream/click-schema.js';

const base = {
  event_id: 'e-1',
  event_type: 'ADD_TO_CART',
  user_id: 'u-00001',
  session_id: 's-1',
  page: '/product',
  product_id: 'P0001',
  price: 19.99,
  device: 'mobile',
  region: 'eu-west',
  referrer: 'google',
  timestamp: '2026-11-22T12:00:00Z',
};
const reason = (patch: Record<string, unknown>) => {
  const r = parseClickEvent(JSON.stringify({ ...base, ...patch }), {
    now: Date.parse('2026-11-22T12:00:00Z'),
  });
  return r.ok ? 'ok' : r.reason;
};

describe('Events > clickstream > schema', () => {
  it('accepts an event, canonicalises the time and drops unknown fields', () => {
    const r = parseClickEvent(JSON.stringify({ ...base, extra: 1 }), { now: Date.parse(base.timestamp) });
    expect(r).toEqual({ ok: true, event: { ...base, timestamp: '2026-11-22T12:00:00.000Z' } });
    if (r.ok) expect(JSON.parse(serializeClickEvent(r.event))).toEqual(r.event);
  });

  it('gives each kind of malformed message its stable reason', () => {
    expect(parseClickEvent('{"a":')).toEqual({ ok: false, reason: 'invalid_json' });
    expect(parseClickEvent('')).toEqual({ ok: false, reason: 'empty_value' });
    expect(parseClickEvent('[1]')).toEqual({ ok: false, reason: 'not_an_object' });
    expect(reason({ event_type: 'CLICK' })).toBe('unknown_event_type');
    expect(reason({ user_id: undefined })).toBe('missing_field:user_id');
    expect(reason({ session_id: 7 })).toBe('bad_type:session_id');
    expect(reason({ session_id: 'a b' })).toBe('bad_value:session_id');
    expect(reason({ page: 'product' })).toBe('bad_value:page');
    expect(reason({ product_id: null })).toBe('missing_field:product_id');
    expect(reason({ price: null })).toBe('missing_field:price');
    expect(reason({ price: -1 })).toBe('bad_value:price');
    expect(reason({ price: '9.99' })).toBe('bad_type:price');
    expect(reason({ device: 'watch' })).toBe('unknown_device');
    expect(reason({ region: '' })).toBe('bad_value:region');
    expect(reason({ timestamp: '2026-02-30T00:00:00Z' })).toBe('bad_timestamp');
    expect(reason({ timestamp: '2999-01-01T00:00:00Z' })).toBe('timestamp_in_future');
  });

  it('lets page views go without product and price', () => {
    expect(reason({ event_type: 'PAGE_VIEW', page: '/', product_id: null, price: null })).toBe('ok');
    expect(reason({ event_type: 'SEARCH', page: '/search', product_id: undefined, price: undefined })).toBe(
      'ok',
    );
  });
});
