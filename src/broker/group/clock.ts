/**
 * Time as the group coordinator sees it. The coordinator never calls Date.now or setTimeout itself, so
 * its tests drive session timeouts and rebalance deadlines with a fake clock instead of waiting.
 */
export interface Clock {
  now(): number;
  /** Calls `fn` once after `delayMs`; the returned handle cancels it. */
  setTimer(delayMs: number, fn: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/** Opaque to the coordinator; each clock knows what its handles are. */
export type TimerHandle = object;

const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(delayMs, fn) {
    // Node fires at once for delays beyond 2^31-1 ms; a client's huge rebalance timeout must mean "long".
    const t = setTimeout(fn, Math.min(Math.max(0, delayMs), MAX_TIMER_MS));
    // A pending session timeout must not keep a process alive that has nothing else to do.
    t.unref();
    return t;
  },
  clearTimer(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};
