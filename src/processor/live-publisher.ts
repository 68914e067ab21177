import type { BatchPlan } from './batch-planner.js';
import { ratesBetween, windowChangeOf, type LiveBus } from './live-bus.js';
import type { ProcessorTotals } from './processor.js';

/**
 * What the processor tells the live bus (the web console's stream): window changes once their
 * contribution updates succeeded, alerts and dead letters once stored, and the rates every second.
 */
export class LivePublisher {
  private rates?: NodeJS.Timeout;

  constructor(
    private readonly live: LiveBus,
    private readonly topic: string,
    private readonly now: () => number,
  ) {}

  /** Publishes the rates between one second's totals and the next, until {@link stop}. */
  startRates(totals: ProcessorTotals, lag: ReadonlyMap<number, number>): void {
    let previous = { ...totals };
    let previousAt = Date.now();
    this.rates = setInterval(() => {
      const at = Date.now();
      this.live.publish({ type: 'rates', data: ratesBetween(previous, totals, at - previousAt, lag, at) });
      previous = { ...totals };
      previousAt = at;
    }, 1_000);
    this.rates.unref();
  }

  stop(): void {
    if (this.rates) clearInterval(this.rates);
  }

  /** A plan's window changes. */
  windows(partition: number, plan: BatchPlan): void {
    for (const write of plan.windowWrites)
      this.live.publish({ type: 'window', data: windowChangeOf(write, partition) });
  }

  /** A plan's dead letters and alerts. */
  written(partition: number, plan: BatchPlan): void {
    const at = new Date(this.now()).toISOString();
    for (const letter of plan.deadLetters) {
      this.live.publish({
        type: 'dead_letter',
        data: {
          at,
          reason: letter.reason,
          source_topic: this.topic,
          source_partition: partition,
          source_offset: letter.offset,
          key: letter.key?.toString() ?? null,
          value: letter.value?.toString() ?? null,
          ...(letter.window ? { window: letter.window } : {}),
        },
      });
    }
    for (const alert of plan.alerts) this.live.publish({ type: 'alert', data: alert });
  }
}
