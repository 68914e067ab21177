import { describe, expect, it } from 'vitest';
import { Prng } from '../../src/events/prng.js';

describe('Prng', () => {
  it('gives the same sequence for the same seed, a different one for another', () => {
    const a = new Prng(7);
    const b = new Prng('7');
    const c = new Prng(8);
    const seqA = Array.from({ length: 50 }, () => a.uint32());
    expect(Array.from({ length: 50 }, () => b.uint32())).toEqual(seqA);
    expect(Array.from({ length: 50 }, () => c.uint32())).not.toEqual(seqA);
  });

  it('draws floats in [0, 1) spread over the range', () => {
    const rng = new Prng('spread');
    const buckets = new Array<number>(10).fill(0);
    let min = 1;
    let max = 0;
    for (let i = 0; i < 10_000; i += 1) {
      const x = rng.next();
      min = Math.min(min, x);
      max = Math.max(max, x);
      buckets[Math.floor(x * 10)]! += 1;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    for (const n of buckets) expect(n).toBeGreaterThan(850);
  });

  it('makes version-4 UUIDs, distinct', () => {
    const rng = new Prng(1);
    const ids = Array.from({ length: 1000 }, () => rng.uuid());
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(1000);
  });

  it('honours weights', () => {
    const rng = new Prng(3);
    let heavy = 0;
    for (let i = 0; i < 10_000; i += 1) if (rng.weighted(['a', 'b'], [9, 1]) === 'a') heavy += 1;
    expect(heavy).toBeGreaterThan(8700);
    expect(heavy).toBeLessThan(9300);
  });
});
