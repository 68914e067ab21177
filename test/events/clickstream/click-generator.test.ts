import { describe, expect, it } from 'vitest';
import { ClickstreamGenerator } from '../../../src/events/clickstream/click-generator.js';
import { parseClickEvent } from '../../../src/events/clickstream/click-schema.js';
import { toCents, type ClickEvent } from '../../../src/events/clickstream/click-event.js';
import { steppedClock } from '../../../src/events/generator.js';

const START = Date.parse('2026-11-22T12:00:00.000Z');
const make = (seed: string, extra = {}) =>
  new ClickstreamGenerator({ seed, clock: steppedClock(START, 1000), ...extra });

describe('Events > clickstream > generator', () => {
  it('is reproducible from its seed, ids included', () => {
    expect(make('a').take(300)).toEqual(make('a').take(300));
    expect(make('a').take(50)).not.toEqual(make('b').take(50));
  });

  it('keys every message by its session and sends canonical, valid events', () => {
    for (const m of make('k').take(2000)) {
      expect(m.key).toBe(m.event.session_id);
      const parsed = parseClickEvent(m.value, { now: START + 86_400_000 });
      expect(parsed).toEqual({ ok: true, event: m.event });
    }
  });

  it('walks a funnel: sessions open with a page view, buy only after checkout, never remove what is not in the cart', () => {
    const sessions = new Map<string, ClickEvent[]>();
    for (const { event } of make('funnel').take(20_000))
      sessions.set(event.session_id, [...(sessions.get(event.session_id) ?? []), event]);
    let purchases = 0;
    for (const events of sessions.values()) {
      expect(events[0]!.event_type).toBe('PAGE_VIEW');
      expect(new Set(events.map((e) => `${e.user_id}/${e.device}/${e.region}/${e.referrer}`)).size).toBe(1);
      const cart: string[] = [];
      let cents = 0;
      for (const [i, e] of events.entries()) {
        if (e.event_type === 'ADD_TO_CART') {
          cart.push(e.product_id!);
          cents += toCents(e.price);
        }
        if (e.event_type === 'REMOVE_FROM_CART') {
          expect(cart).toContain(e.product_id);
          cart.splice(cart.indexOf(e.product_id!), 1);
          cents -= toCents(e.price);
        }
        if (e.event_type === 'CHECKOUT') expect(toCents(e.price)).toBe(cents);
        if (e.event_type === 'PURCHASE') {
          purchases += 1;
          expect(events[i - 1]!.event_type).toBe('CHECKOUT');
          expect(toCents(e.price)).toBe(cents);
          expect(i).toBe(events.length - 1);
        }
      }
    }
    const all = [...sessions.values()].flat();
    const types = new Set(all.map((e) => e.event_type));
    expect([...types].sort()).toEqual(
      ['ADD_TO_CART', 'CHECKOUT', 'PAGE_VIEW', 'PURCHASE', 'REMOVE_FROM_CART', 'SEARCH'].sort(),
    );
    // A realistic funnel narrows: fewer purchases than sessions, but some.
    expect(purchases).toBeGreaterThan(0);
    expect(purchases).toBeLessThan(sessions.size / 2);
  });

  it('mixes in delayed and malformed messages at the asked fractions, each with its reason', () => {
    const messages = make('mix', { lateFraction: 0.1, invalidFraction: 0.05 }).take(10_000);
    const invalid = messages.filter((m) => m.kind === 'invalid');
    const delayed = messages.filter((m) => m.kind === 'delayed');
    expect(invalid.length).toBeGreaterThan(400);
    expect(invalid.length).toBeLessThan(600);
    expect(delayed.length).toBeGreaterThan(850);
    expect(delayed.length).toBeLessThan(1150);
    for (const m of invalid)
      expect(parseClickEvent(m.value, { now: START + 86_400_000 })).toEqual({
        ok: false,
        reason: m.expectedReason,
      });
    for (const m of delayed) expect(parseClickEvent(m.value, { now: START + 86_400_000 }).ok).toBe(true);
  });
});
