import { describe, expect, it } from 'vitest';
import { readDaysNewestFirst } from '../../src/queries/day-reads.js';

/** A reader over fixed days whose reads resolve only when the test says so, recording each call. */
function gatedReader(itemsByDay: Record<string, string[]>) {
  const calls: Array<{ day: string; upTo: number }> = [];
  const pending: Array<() => void> = [];
  const read = (day: string, upTo: number) => {
    calls.push({ day, upTo });
    return new Promise<string[]>((resolve) =>
      pending.push(() => resolve((itemsByDay[day] ?? []).slice(0, upTo))),
    );
  };
  /** Resolves every read started so far; returns how many that was. */
  const releaseAll = async () => {
    const n = pending.length;
    for (const release of pending.splice(0)) release();
    await new Promise((r) => setImmediate(r));
    return n;
  };
  return { read, calls, releaseAll };
}

const DAYS = ['2026-12-03', '2026-12-02', '2026-12-01', '2026-11-30'];

describe('readDaysNewestFirst', () => {
  it('reads the guard day and today at the same time, then one day at a time', async () => {
    const reader = gatedReader({ '2026-12-02': ['a', 'b'], '2026-12-01': ['c', 'd', 'e'] });
    const found = readDaysNewestFirst(DAYS, 4, reader.read, { firstIsGuard: true });
    await new Promise((r) => setImmediate(r));
    // Both the guard (tomorrow) and today are in flight before either has answered.
    expect(reader.calls).toEqual([
      { day: '2026-12-03', upTo: 4 },
      { day: '2026-12-02', upTo: 4 },
    ]);
    expect(await reader.releaseAll()).toBe(2);
    // Then yesterday alone, asked only for what is still missing.
    expect(reader.calls[2]).toEqual({ day: '2026-12-01', upTo: 2 });
    expect(await reader.releaseAll()).toBe(1);
    expect(await found).toEqual(['a', 'b', 'c', 'd']);
    // Four items were found: the last day is never read.
    expect(reader.calls).toHaveLength(3);
  });

  it('without a guard day reads strictly one day after the other', async () => {
    const reader = gatedReader({ '2026-12-03': ['a'], '2026-12-02': ['b'] });
    const found = readDaysNewestFirst(DAYS, 10, reader.read, { firstIsGuard: false });
    for (const day of DAYS) {
      await new Promise((r) => setImmediate(r));
      expect(reader.calls.at(-1)?.day).toBe(day);
      expect(await reader.releaseAll()).toBe(1);
    }
    expect(await found).toEqual(['a', 'b']);
  });

  it('keeps the days in order when the guard day has items too', async () => {
    const reader = gatedReader({ '2026-12-03': ['x'], '2026-12-02': ['y', 'z'] });
    const found = readDaysNewestFirst(DAYS, 3, reader.read, { firstIsGuard: true });
    await new Promise((r) => setImmediate(r));
    await reader.releaseAll();
    expect(await found).toEqual(['x', 'y', 'z']);
    expect(reader.calls.map((c) => c.day)).toEqual(['2026-12-03', '2026-12-02']);
  });

  it('reads a single day alone even when it is the guard', async () => {
    const reader = gatedReader({ '2026-12-03': ['a'] });
    const found = readDaysNewestFirst(DAYS.slice(0, 1), 5, reader.read, { firstIsGuard: true });
    await new Promise((r) => setImmediate(r));
    await reader.releaseAll();
    expect(await found).toEqual(['a']);
    expect(reader.calls).toEqual([{ day: '2026-12-03', upTo: 5 }]);
  });
});
