import { describe, expect, it } from 'vitest';
import {
  decodeClock,
  encodeClock,
  initialWatermark,
  observeActivity,
  observeEvent,
  tickIdle,
  watermarkOf,
} from '../../src/processor/watermark.js';

const DELAY = 10 * 60_000;

describe('watermark', () => {
  it('is the largest event time seen minus the delay, and never goes back', () => {
    let s = initialWatermark(0);
    expect(watermarkOf(s, DELAY)).toBe(-Infinity);
    s = observeEvent(s, 1_000_000, 1);
    s = observeEvent(s, 400_000, 2); // out of order: the clock stays
    expect(watermarkOf(s, DELAY)).toBe(1_000_000 - DELAY);
  });

  it('advances an idle partition with the wall clock once idle longer than the delay', () => {
    let s = observeEvent(initialWatermark(0), 5_000_000, 100);
    expect(tickIdle(s, 100 + DELAY, DELAY)).toBe(s); // not yet idle long enough
    s = tickIdle(s, 100 + DELAY + 7_000, DELAY);
    expect(s.clockMs).toBe(5_000_000 + DELAY + 7_000);
    // A later event with an older time does not pull it back.
    s = observeEvent(s, 5_000_001, 200 + DELAY + 7_000);
    expect(s.clockMs).toBe(5_000_000 + DELAY + 7_000);
  });

  it('does not advance a partition that never saw an event, or one with recent activity', () => {
    const empty = initialWatermark(0);
    expect(tickIdle(empty, 10 * DELAY, DELAY)).toBe(empty);
    let s = observeEvent(initialWatermark(0), 5_000_000, 0);
    s = observeActivity(s, DELAY); // a malformed message arrived
    expect(tickIdle(s, DELAY + DELAY / 2, DELAY).clockMs).toBe(5_000_000);
  });

  it('round-trips the clock through commit metadata and ignores foreign metadata', () => {
    const s = observeEvent(initialWatermark(0), 123_456, 0);
    expect(decodeClock(encodeClock(s))).toBe(123_456);
    expect(encodeClock(initialWatermark(0))).toBeNull();
    expect(decodeClock(null)).toBe(-Infinity);
    expect(decodeClock('not json')).toBe(-Infinity);
    expect(decodeClock('{"clock":5}')).toBe(-Infinity);
  });
});
