import { describe, expect, it } from 'vitest';
import {
  backoffCeiling,
  backoffDelay,
  retryWithBackoff,
  RetryTimeoutError,
  sleep,
  type RetryClock,
} from '../../src/store/retry.js';

const policy = { baseMs: 50, capMs: 1000, totalMs: 3000 };

function fakeClock(random = 0.5): RetryClock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
    random: () => random,
  };
}

describe('backoff schedule', () => {
  it('doubles the ceiling from the base up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => backoffCeiling(policy, n))).toEqual([
      50, 100, 200, 400, 800, 1000, 1000,
    ]);
    expect(backoffCeiling(policy, 5000)).toBe(1000);
  });

  it('draws the delay uniformly below the ceiling (full jitter)', () => {
    expect(backoffDelay(policy, 3, 0)).toBe(0);
    expect(backoffDelay(policy, 3, 0.5)).toBe(200);
    expect(backoffDelay(policy, 3, 0.999)).toBe(399);
  });
});

describe('retryWithBackoff', () => {
  it('retries until the attempt is done, sleeping the schedule between attempts', async () => {
    const clock = fakeClock();
    const reasons: string[] = [];
    const value = await retryWithBackoff(
      async (n) => (n < 3 ? { done: false, reason: `r${n}` } : { done: true, value: n }),
      {
        policy,
        clock,
        onRetry: (_n, _d, reason) => reasons.push(reason),
      },
    );
    expect(value).toBe(3);
    expect(clock.slept).toEqual([25, 50, 100]);
    expect(reasons).toEqual(['r0', 'r1', 'r2']);
  });

  it('gives up before a wait would pass the total time, naming the last reason', async () => {
    const clock = fakeClock(0.99);
    const err = await retryWithBackoff(async () => ({ done: false, reason: 'throttled' }), {
      policy,
      clock,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryTimeoutError);
    expect((err as RetryTimeoutError).lastReason).toBe('throttled');
    expect(clock.slept.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(policy.totalMs);
    expect((err as RetryTimeoutError).attempts).toBe(clock.slept.length + 1);
  });

  it('does not retry an error the attempt throws', async () => {
    let calls = 0;
    const err = await retryWithBackoff(
      async () => {
        calls += 1;
        throw new Error('validation');
      },
      { policy, clock: fakeClock() },
    ).catch((e: unknown) => e);
    expect((err as Error).message).toBe('validation');
    expect(calls).toBe(1);
  });

  it('stops waiting when the signal aborts', async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
  });
});
