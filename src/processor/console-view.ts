import type { OpenWindowCounts, ProcessorTotals } from './processor.js';

/**
 * The processor's live console view: what is in the open windows (by city, type, severity), the lag, and
 * the throughput since the previous refresh. Rendering is pure; `ConsoleView` only keeps the previous
 * totals for the rate and writes the frame.
 */
export interface ViewSnapshot {
  at: string;
  consumed: number;
  ratePerSec: number;
  lag: number;
  late: number;
  invalid: number;
  /** Copies of counted events that were dropped (identical and conflicting). */
  duplicates: number;
  deadLetters: number;
  open: OpenWindowCounts;
}

export function snapshotOf(
  totals: ProcessorTotals,
  open: OpenWindowCounts,
  lag: number,
  previous: { consumed: number; atMs: number } | undefined,
  nowMs: number,
): ViewSnapshot {
  const elapsed = previous ? (nowMs - previous.atMs) / 1000 : 0;
  const rate = previous && elapsed > 0 ? (totals.consumed - previous.consumed) / elapsed : 0;
  return {
    at: new Date(nowMs).toISOString(),
    consumed: totals.consumed,
    ratePerSec: Math.round(rate * 10) / 10,
    lag,
    late: totals.late,
    invalid: totals.invalid,
    duplicates: totals.duplicates + totals.conflicting,
    deadLetters: totals.deadLetters,
    open,
  };
}

/** The text frame: a few lines, widest counts first, so it fits a terminal. */
export function renderView(s: ViewSnapshot): string {
  const top = (counts: Record<string, number>) =>
    Object.entries(counts)
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
      .map(([k, n]) => `${k} ${n}`)
      .join('  ') || '-';
  return [
    `citystream process  ${s.at}`,
    `consumed ${s.consumed}  rate ${s.ratePerSec}/s  lag ${s.lag}  late ${s.late}  invalid ${s.invalid}  duplicates ${s.duplicates}  dlq ${s.deadLetters}`,
    `open windows ${s.open.windows}`,
    `  by city      ${top(s.open.byCity)}`,
    `  by type      ${top(s.open.byType)}`,
    `  by severity  ${top(s.open.bySeverity)}`,
  ].join('\n');
}

export interface ViewSink {
  /** A terminal: the frame is redrawn in place. */
  interactive: boolean;
  json: boolean;
  write(text: string): void;
}

export class ConsoleView {
  private previous?: { consumed: number; atMs: number };
  private lines = 0;

  constructor(private readonly out: ViewSink) {}

  refresh(totals: ProcessorTotals, open: OpenWindowCounts, lag: number, nowMs = Date.now()): ViewSnapshot {
    const snapshot = snapshotOf(totals, open, lag, this.previous, nowMs);
    this.previous = { consumed: totals.consumed, atMs: nowMs };
    if (this.out.json) {
      this.out.write(`${JSON.stringify(snapshot)}\n`);
      return snapshot;
    }
    const frame = renderView(snapshot);
    // Move up over the previous frame and clear it, then draw the new one.
    const rewind = this.out.interactive && this.lines > 0 ? `\u001b[${this.lines}A\u001b[0J` : '';
    this.out.write(`${rewind}${frame}\n`);
    this.lines = frame.split('\n').length;
    return snapshot;
  }
}
