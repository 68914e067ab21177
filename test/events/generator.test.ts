import { describe, expect, it } from 'vitest';
import { EventGenerator, INVALID_KINDS, steppedClock } from '../../src/events/generator.js';
import { parseEvent } from '../../src/events/event-schema.js';

const START = Date.parse('2026-11-22T12:00:00.000Z');
const NOW = Date.parse('2026-11-23T00:00:00.000Z');

describe('EventGenerator', () => {
  it('is deterministic: same seed and clock, same messages', () => {
    const make = (seed: number) =>
      new EventGenerator({
        seed,
        clock: steppedClock(START, 1000),
        lateFraction: 0.1,
        invalidFraction: 0.1,
      }).take(300);
    expect(make(7)).toEqual(make(7));
    const ids7 = make(7).map((m) => m.event.event_id);
    const ids8 = make(8).map((m) => m.event.event_id);
    expect(ids7.filter((id) => ids8.includes(id))).toEqual([]);
  });

  it('keeps ids independent of the clock', () => {
    const a = new EventGenerator({ seed: 'x', clock: steppedClock(START, 1000) }).take(20);
    const b = new EventGenerator({ seed: 'x', clock: () => NOW }).take(20);
    expect(b.map((m) => m.event.event_id)).toEqual(a.map((m) => m.event.event_id));
  });

  it('produces valid events keyed by city, with times from the clock', () => {
    const messages = new EventGenerator({ seed: 1, clock: steppedClock(START, 200) }).take(100);
    messages.forEach((m, i) => {
      expect(m.kind).toBe('valid');
      const parsed = parseEvent(m.value, { now: NOW });
      expect(parsed).toEqual({ ok: true, event: m.event });
      expect(m.key).toBe(m.event.city);
      expect(Date.parse(m.event.timestamp)).toBe(START + 200 * i);
    });
  });

  it('uses only the given cities, types and severities', () => {
    const messages = new EventGenerator({
      seed: 2,
      cities: ['Paris', 'Oslo'],
      types: ['weather'],
      severities: ['low', 'critical'],
    }).take(200);
    expect(new Set(messages.map((m) => m.event.city))).toEqual(new Set(['Paris', 'Oslo']));
    expect(new Set(messages.map((m) => m.event.event_type))).toEqual(new Set(['weather']));
    expect(new Set(messages.map((m) => m.event.severity))).toEqual(new Set(['low', 'critical']));
  });

  it('has a realistic severity mix on request', () => {
    const count = (mix: 'uniform' | 'realistic') => {
      const messages = new EventGenerator({ seed: 3, severityMix: mix }).take(4000);
      return messages.filter((m) => m.event.severity === 'critical').length / messages.length;
    };
    expect(count('uniform')).toBeGreaterThan(0.2);
    expect(count('realistic')).toBeLessThan(0.08);
  });

  it('honours late and invalid fractions roughly, with lags within the bound', () => {
    const maxLatenessMs = 20 * 60_000;
    const messages = new EventGenerator({
      seed: 4,
      clock: steppedClock(START, 1000),
      lateFraction: 0.2,
      invalidFraction: 0.1,
      maxLatenessMs,
    }).take(5000);
    const delayed = messages.filter((m) => m.kind === 'delayed');
    const invalid = messages.filter((m) => m.kind === 'invalid');
    expect(delayed.length / 5000).toBeGreaterThan(0.17);
    expect(delayed.length / 5000).toBeLessThan(0.23);
    expect(invalid.length / 5000).toBeGreaterThan(0.08);
    expect(invalid.length / 5000).toBeLessThan(0.12);
    messages.forEach((m, i) => {
      if (m.kind !== 'delayed') return;
      const lag = START + 1000 * i - Date.parse(m.event.timestamp);
      expect(lag).toBeGreaterThan(0);
      expect(lag).toBeLessThanOrEqual(maxLatenessMs);
    });
  });

  it('makes every kind of invalid message, each refused with its expected reason', () => {
    const messages = new EventGenerator({
      seed: 5,
      clock: steppedClock(START, 1000),
      invalidFraction: 1,
    }).take(600);
    expect(new Set(messages.map((m) => m.invalidKind))).toEqual(new Set(INVALID_KINDS));
    for (const m of messages) {
      const parsed = parseEvent(m.value, { now: NOW });
      expect(parsed.ok ? 'ok' : parsed.reason).toBe(m.expectedReason);
    }
  });

  it('rejects fractions out of range', () => {
    expect(() => new EventGenerator({ lateFraction: 1.5 })).toThrow(RangeError);
    expect(() => new EventGenerator({ lateFraction: 0.6, invalidFraction: 0.6 })).toThrow(RangeError);
    expect(() => new EventGenerator({ cities: [] })).toThrow(RangeError);
  });
});
