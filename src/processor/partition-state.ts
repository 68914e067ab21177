import { initialWatermark, type WatermarkState } from './watermark.js';
import type { BatchPlan, ContributionView } from './batch-planner.js';
import type { Contribution, RollupKey, WindowKey } from '../store/contribution.js';

/**
 * What the processor remembers about one assigned partition between batches: its watermark, its open
 * windows, and a bounded cache of rollup contributions. Everything here can be rebuilt from the items and
 * the committed offset's metadata, so it is dropped whenever the partition is (re)assigned.
 */
export class PartitionState {
  watermark: WatermarkState;
  /** Non-final windows this partition has touched: bounded by the open windows. */
  readonly windows = new Map<string, { key: WindowKey; entry: Contribution | null }>();
  /** Rollup rows, least recently used first; evicting one only costs a read when it is touched again. */
  readonly rollups = new Map<string, { key: RollupKey; entry: Contribution | null }>();
  /** True while the last batch reached the log end: only then can silence mean "idle". */
  caughtUp = false;

  constructor(
    nowWallMs: number,
    clockMs: number,
    private readonly maxRollups = 1_000,
  ) {
    this.watermark = initialWatermark(nowWallMs, clockMs);
  }

  /**
   * Where this partition's open windows can be, judging by the restored watermark: a window is open while
   * its end is after the watermark, and none starts after the clock. The loop lists the items in this range
   * on assignment, so windows left open by a previous owner still become final. Null before any event.
   */
  openWindowRange(windowMs: number, delayMs: number): { fromMs: number; toMs: number } | null {
    if (!Number.isFinite(this.watermark.clockMs)) return null;
    return { fromMs: this.watermark.clockMs - delayMs - windowMs, toMs: this.watermark.clockMs };
  }

  missingWindows(ids: Iterable<string>): string[] {
    return [...ids].filter((id) => !this.windows.has(id));
  }

  missingRollups(ids: Iterable<string>): string[] {
    return [...ids].filter((id) => !this.rollups.has(id));
  }

  restoreWindow(id: string, key: WindowKey, entry: Contribution | null): void {
    this.windows.set(id, { key, entry });
  }

  restoreRollup(id: string, key: RollupKey, entry: Contribution | null): void {
    this.rollups.set(id, { key, entry });
  }

  view(): ContributionView {
    return {
      window: (id) => this.windows.get(id)?.entry,
      rollup: (id) => this.rollups.get(id)?.entry,
    };
  }

  /** After every write of the plan succeeded: remember the new entries, forget the final windows. */
  apply(plan: BatchPlan): void {
    this.watermark = plan.watermark;
    for (const w of plan.windowWrites) this.windows.set(w.id, { key: w.key, entry: w.next });
    for (const id of plan.finalWindows) this.windows.delete(id);
    for (const r of plan.rollupWrites) {
      this.rollups.delete(r.id); // re-insert: most recently used last
      this.rollups.set(r.id, { key: r.key, entry: r.next });
    }
    while (this.rollups.size > this.maxRollups) {
      const oldest = this.rollups.keys().next().value as string;
      this.rollups.delete(oldest);
    }
  }

  /** For the console view and metrics. */
  get size(): { windows: number; rollups: number } {
    return { windows: this.windows.size, rollups: this.rollups.size };
  }
}
