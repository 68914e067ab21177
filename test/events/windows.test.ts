import { describe, expect, it } from 'vitest';
import { isFinal, isoTime, minutesToMs, utcDay, windowOf } from '../../src/events/windows.js';

const FIVE_MIN = minutesToMs(5);

describe('windows', () => {
  it('assigns an instant to the half-open 5-minute window that contains it', () => {
    const t = Date.parse('2026-11-22T18:07:59.999Z');
    const w = windowOf(t, FIVE_MIN);
    expect(isoTime(w.startMs)).toBe('2026-11-22T18:05:00.000Z');
    expect(isoTime(w.endMs)).toBe('2026-11-22T18:10:00.000Z');
    // The end belongs to the next window.
    expect(isoTime(windowOf(w.endMs, FIVE_MIN).startMs)).toBe('2026-11-22T18:10:00.000Z');
    expect(windowOf(w.startMs, FIVE_MIN)).toEqual(w);
  });

  it('floors instants before the epoch instead of truncating towards zero', () => {
    expect(windowOf(-1, 1000)).toEqual({ startMs: -1000, endMs: 0 });
  });

  it('rejects a non-positive size', () => {
    expect(() => windowOf(0, 0)).toThrow(RangeError);
  });

  it('is final once the watermark reaches the end, not before', () => {
    const w = windowOf(0, FIVE_MIN);
    expect(isFinal(w, w.endMs - 1)).toBe(false);
    expect(isFinal(w, w.endMs)).toBe(true);
  });

  it('names the UTC day of an instant', () => {
    expect(utcDay(Date.parse('2026-11-22T23:59:59.999Z'))).toBe('2026-11-22');
    expect(utcDay(Date.parse('2026-11-23T00:00:00.000Z'))).toBe('2026-11-23');
    expect(minutesToMs(0.05)).toBe(3000);
  });
});
