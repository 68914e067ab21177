import type { Clock, TimerHandle } from '../../../src/broker/group/clock.js';

interface FakeTimer {
  at: number;
  fn: () => void;
}

/** A clock that moves only when told: `advance(ms)` fires due timers in time order. */
export class FakeClock implements Clock {
  private time = 1_000_000;
  private readonly timers = new Set<FakeTimer>();

  now(): number {
    return this.time;
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const timer = { at: this.time + Math.max(0, delayMs), fn };
    this.timers.add(timer);
    return timer;
  }

  clearTimer(handle: TimerHandle): void {
    this.timers.delete(handle as FakeTimer);
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      let next: FakeTimer | undefined;
      for (const t of this.timers) if (t.at <= until && (!next || t.at < next.at)) next = t;
      if (!next) break;
      this.timers.delete(next);
      this.time = next.at;
      next.fn();
    }
    this.time = until;
  }
}
