import { describe, expect, it } from 'vitest';
import { ConsoleView, renderView, snapshotOf } from '../../src/processor/console-view.js';
import type { ProcessorTotals } from '../../src/processor/processor.js';

const totals = (consumed: number): ProcessorTotals => ({
  consumed,
  valid: consumed - 2,
  invalid: 2,
  late: 1,
  replayed: 0,
  duplicates: 4,
  conflicting: 1,
  deadLetters: 3,
  batches: 1,
  conflicts: 0,
  claimsCached: 0,
  claimsSent: 0,
});
const open = {
  byCity: { NYC: 5, LA: 7 },
  byType: { traffic: 12 },
  bySeverity: { high: 4, low: 8 },
  windows: 2,
};

describe('console view', () => {
  it('computes the rate from the previous refresh and renders counts biggest first', () => {
    const s = snapshotOf(totals(300), open, 42, { consumed: 100, atMs: 0 }, 2_000);
    expect(s).toMatchObject({ consumed: 300, ratePerSec: 100, lag: 42, late: 1, invalid: 2, deadLetters: 3 });
    const text = renderView(s);
    expect(text).toContain('rate 100/s  lag 42');
    expect(s.duplicates).toBe(5);
    expect(text).toContain('invalid 2  duplicates 5  dlq 3');
    expect(text).toContain('by city      LA 7  NYC 5');
  });

  it('writes one NDJSON line per refresh with --json, and redraws in place on a terminal', () => {
    const json: string[] = [];
    const view = new ConsoleView({ interactive: false, json: true, write: (t) => json.push(t) });
    view.refresh(totals(10), open, 0, 0);
    view.refresh(totals(20), open, 0, 1_000);
    expect(json).toHaveLength(2);
    expect(JSON.parse(json[1]!)).toMatchObject({ consumed: 20, ratePerSec: 10 });

    const tty: string[] = [];
    const live = new ConsoleView({ interactive: true, json: false, write: (t) => tty.push(t) });
    live.refresh(totals(10), open, 0, 0);
    live.refresh(totals(20), open, 0, 1_000);
    expect(tty[0]).not.toContain('\u001b[');
    expect(tty[1]!.startsWith('\u001b[6A\u001b[0J')).toBe(true);
  });
});
