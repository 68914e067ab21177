import type { CityEvent } from '../events/event.js';
import { isoTime } from '../events/windows.js';
import type { WindowWrite } from './batch-planner.js';
import type { ProcessorTotals } from './processor.js';
import type { DeadLetterDocument, RatesDocument, WindowChangeDocument } from './live-schemas.js';

/**
 * What the processor tells listeners in the same process (the API of `citystream up`, feeding the web
 * console's stream) as it writes: each alert once its put succeeded, each window whose contribution
 * changed, each dead letter once the DLQ accepted it, and a rates sample every second. Publishing is
 * synchronous and never throws into the processor: a listener's error is dropped.
 */

/**
 * One partition's contribution to a window after a write (the table's item holds the sum over
 * partitions); `partition` is null when the change was read from the table itself (the poller).
 */
export type WindowChange = WindowChangeDocument;
/** A dead letter once the DLQ accepted it; `at` is when the processor sent it. */
export type DeadLetterRecord = DeadLetterDocument;
/** Per-second rates over the last sample interval, and the lag per partition at its end. */
export type RatesSample = RatesDocument;

export type LiveEvent =
  | { type: 'alert'; data: CityEvent }
  | { type: 'window'; data: WindowChange }
  | { type: 'dead_letter'; data: DeadLetterRecord }
  | { type: 'rates'; data: RatesSample };

export type LiveListener = (event: LiveEvent) => void;

export class LiveBus {
  private readonly listeners = new Set<LiveListener>();

  publish(event: LiveEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A console listener must never break the pipeline.
      }
    }
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: LiveListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }
}

export function windowChangeOf(write: WindowWrite, partition: number): WindowChange {
  const c = write.next.counts;
  return {
    city: write.key.city,
    event_type: write.key.eventType,
    window_start: isoTime(write.key.window.startMs),
    window_end: isoTime(write.key.window.endMs),
    partition,
    event_count: c.event_count ?? 0,
    low: c.low ?? 0,
    medium: c.medium ?? 0,
    high: c.high ?? 0,
    critical: c.critical ?? 0,
    final: write.next.final === true,
  };
}

/** The rates between two readings of the processor's totals, `elapsedMs` apart. */
export function ratesBetween(
  previous: ProcessorTotals,
  current: ProcessorTotals,
  elapsedMs: number,
  lag: ReadonlyMap<number, number>,
  atMs: number,
): RatesSample {
  const perSecond = (key: keyof ProcessorTotals) =>
    elapsedMs > 0 ? Math.round(((current[key] - previous[key]) * 10_000) / elapsedMs) / 10 : 0;
  return {
    at: isoTime(atMs),
    events_in_per_s: perSecond('consumed'),
    written_per_s: perSecond('valid'),
    late_per_s: perSecond('late'),
    dead_letters_per_s: perSecond('deadLetters'),
    invalid_per_s: perSecond('invalid'),
    lag: Object.fromEntries([...lag].sort((a, b) => a[0] - b[0]).map(([p, n]) => [String(p), n])),
    totals: {
      consumed: current.consumed,
      written: current.valid,
      late: current.late,
      dead_letters: current.deadLetters,
      invalid: current.invalid,
    },
  };
}
