import { describe, expect, it } from 'vitest';
import type { CityEvent } from '../../src/events/event.js';
import { parseEvent } from '../../src/events/event-schema.js';
import {
  planBatch,
  requiredKeys,
  type BatchPlan,
  type PlannerOptions,
} from '../../src/processor/batch-planner.js';
import { decodeAll, type InputMessage } from '../../src/processor/decoded.js';
import { countDeltas, type Contribution } from '../../src/store/contribution.js';
import { PartitionState } from '../../src/processor/partition-state.js';
import { windowOf } from '../../src/events/windows.js';
import {
  candidatesOf,
  contentHash,
  deliveryOf,
  firstClaims,
  judge,
  verdictsOf,
  type Verdict,
} from '../../src/processor/dedupe.js';
import { ClaimCache } from '../../src/processor/claim-cache.js';
import { watermarkOf } from '../../src/processor/watermark.js';

const MIN = 60_000;
const OPTIONS: PlannerOptions = {
  windowMs: 5 * MIN,
  watermarkDelayMs: 10 * MIN,
  alertSeverities: new Set(['high', 'critical']),
};
const T0 = Date.parse('2026-11-22T10:00:00.000Z');
const parse = (v: Buffer | null) => parseEvent(v, { now: T0 + 1000 * MIN });

function event(i: number, minute: number, severity = 'low', city = 'NYC', type = 'traffic'): CityEvent {
  return {
    event_id: `e-${i}`,
    event_type: type as CityEvent['event_type'],
    city,
    severity: severity as CityEvent['severity'],
    timestamp: new Date(T0 + minute * MIN).toISOString(),
    description: 'x',
  };
}

function messages(values: Array<CityEvent | string>): InputMessage[] {
  return values.map((v, offset) => ({
    offset,
    key: Buffer.from('k'),
    value: Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)),
  }));
}

function plan(
  msgs: InputMessage[],
  state: PartitionState,
  verdicts?: ReadonlyMap<number, Verdict>,
  options: PlannerOptions = OPTIONS,
): BatchPlan {
  const decoded = decodeAll(msgs, parse);
  const keys = requiredKeys(decoded, OPTIONS);
  for (const id of state.missingWindows(keys.windows.keys()))
    state.restoreWindow(id, keys.windows.get(id)!, null);
  for (const id of state.missingRollups(keys.rollups.keys()))
    state.restoreRollup(id, keys.rollups.get(id)!, null);
  return planBatch(decoded, state.view(), state.windows, state.watermark, options, 0, verdicts);
}

describe('batch planner', () => {
  it('counts events per window and rollup, raises alerts, and sends malformed messages to the DLQ', () => {
    const state = new PartitionState(0, -Infinity);
    const p = plan(
      messages([event(1, 1, 'high'), event(2, 2), '{oops', event(3, 7, 'critical', 'LA', 'weather')]),
      state,
    );
    expect(p.rawEvents.map((e) => e.event_id)).toEqual(['e-1', 'e-2', 'e-3']);
    expect(p.alerts.map((e) => e.event_id)).toEqual(['e-1', 'e-3']);
    expect(p.deadLetters).toEqual([expect.objectContaining({ reason: 'invalid_json', offset: 2 })]);
    const nyc = p.windowWrites.find((w) => w.key.city === 'NYC')!;
    expect(nyc.next).toEqual({ o: 1, counts: { event_count: 2, low: 1, high: 1 }, final: false });
    const all = p.rollupWrites.find((r) => r.key.scope === '*')!;
    expect(all.next.counts).toEqual({
      event_count: 3,
      alert_count: 2,
      t_traffic: 2,
      t_weather: 1,
      s_low: 1,
      s_high: 1,
      s_critical: 1,
      c_NYC: 2,
      c_LA: 1,
    });
    expect(all.next.first).toBe(event(0, 1).timestamp);
    expect(all.next.last).toBe(event(0, 7).timestamp);
    expect(p.stats).toEqual({ valid: 3, invalid: 1, late: 0, replayed: 0, duplicates: 0, conflicting: 0 });
  });

  it('marks a window final when the watermark passes its end and treats later events for it as late', () => {
    const state = new PartitionState(0, -Infinity);
    // 0:01 opens [0:00,0:05); 0:15 moves the watermark to 0:05 → final; 0:02 is then late.
    const p = plan(messages([event(1, 1), event(2, 15), event(3, 2, 'critical')]), state);
    const first = p.windowWrites.find((w) => w.key.window.startMs === T0)!;
    expect(first.next).toMatchObject({ o: 0, counts: { event_count: 1 }, final: true });
    expect(p.deadLetters).toEqual([expect.objectContaining({ reason: 'late', offset: 2 })]);
    expect(p.alerts.map((e) => e.event_id)).toEqual(['e-3']); // a late event still raises its alert
    expect(p.rollupWrites.find((r) => r.key.scope === 'NYC')!.next.counts.event_count).toBe(3);
    expect(p.stats.late).toBe(1);
    expect(p.finalWindows).toContain(first.id);
  });

  it('closes windows of earlier batches when a later batch moves the watermark', () => {
    const state = new PartitionState(0, -Infinity);
    const first = plan(messages([event(1, 1)]), state);
    state.apply(first);
    expect(state.size.windows).toBe(1);
    const msgs = messages([event(1, 1), event(2, 30)]).slice(1);
    const second = plan(msgs, state);
    const closed = second.windowWrites.find((w) => w.key.window.startMs === T0)!;
    expect(closed.previous).toMatchObject({ o: 0, final: false });
    expect(closed.next).toMatchObject({ o: 0, counts: { event_count: 1 }, final: true });
    state.apply(second);
    expect(state.size.windows).toBe(1); // only the 0:30 window stays open
  });

  it('skips events a restored contribution already includes (replay) and does not re-send their DLQ records', () => {
    const state = new PartitionState(0, -Infinity);
    const msgs = messages([event(1, 1), event(2, 20), event(3, 2)]);
    const firstRun = plan(msgs, state);
    const restored = new PartitionState(0, -Infinity);
    // The items say: everything up to offset 2 is already in.
    for (const w of firstRun.windowWrites) restored.restoreWindow(w.id, w.key, w.next);
    for (const r of firstRun.rollupWrites) restored.restoreRollup(r.id, r.key, r.next);
    const replay = plan(msgs, restored);
    // Only final entries are written again, unchanged (to repeat the item's own `final`).
    expect(replay.windowWrites.every((w) => w.next === w.previous && w.next.final === true)).toBe(true);
    expect(replay.windowWrites).toHaveLength(1);
    expect(replay.rollupWrites).toEqual([]);
    expect(replay.rawEvents).toEqual([]);
    expect(replay.deadLetters).toEqual([]);
    expect(replay.stats.replayed).toBe(3);
  });

  it('keeps a window closed that the item says this partition already finalised', () => {
    const state = new PartitionState(0, -Infinity); // watermark lost
    const w = windowOf(T0, OPTIONS.windowMs);
    state.restoreWindow(
      `NYC#traffic@${w.startMs}`,
      { city: 'NYC', eventType: 'traffic', window: w },
      {
        o: 3,
        counts: { event_count: 1, low: 1 },
        final: true,
      },
    );
    const msgs = messages([event(0, 0), event(0, 0), event(0, 0), event(0, 0), event(9, 1)]).slice(4);
    const p = plan(msgs, state);
    expect(p.deadLetters.map((d) => d.reason)).toEqual(['late']);
    expect(p.windowWrites.map((w) => w.next)).toEqual([
      { o: 3, counts: { event_count: 1, low: 1 }, final: true },
    ]);
  });

  it('computes the deltas that keep item totals equal to the sum of partition entries', () => {
    const prev: Contribution = { o: 1, counts: { event_count: 2, low: 2 } };
    const next: Contribution = { o: 5, counts: { event_count: 4, low: 2, high: 2 } };
    expect(countDeltas(prev, next)).toEqual({ event_count: 2, high: 2 });
    expect(countDeltas(null, next)).toEqual(next.counts);
  });
});

describe('de-duplication', () => {
  it('a refused copy counts nowhere, moves the watermark, and only a conflicting one goes to the DLQ', () => {
    const state = new PartitionState(0, -Infinity);
    const verdicts = new Map<number, Verdict>([
      [1, { kind: 'duplicate', of: 'city-events/0/0' }],
      [3, { kind: 'conflicting', of: 'city-events/4/9' }],
    ]);
    const p = plan(
      messages([event(1, 1, 'high'), event(1, 1, 'high'), event(3, 2), event(2, 30, 'critical', 'LA')]),
      state,
      verdicts,
    );
    expect(p.rawEvents.map((e) => e.event_id)).toEqual(['e-1', 'e-3']);
    expect(p.alerts.map((e) => e.event_id)).toEqual(['e-1']);
    expect(p.deadLetters).toEqual([
      expect.objectContaining({ reason: 'conflicting_duplicate', offset: 3, duplicateOf: 'city-events/4/9' }),
    ]);
    expect(p.stats).toEqual({ valid: 2, invalid: 0, late: 0, replayed: 0, duplicates: 1, conflicting: 1 });
    expect(p.rollupWrites.map((r) => r.key.scope).sort()).toEqual(['*', 'NYC']);
    expect(p.windowWrites.map((w) => w.next.counts.event_count)).toEqual([2]);
    // The refused copy at minute 30 moved the clock, as every valid message does.
    expect(watermarkOf(p.watermark, OPTIONS.watermarkDelayMs)).toBe(T0 + 20 * MIN);
  });

  it('a copy moves its city rollup offset (counts unchanged), so a replay of the batch skips its DLQ record', () => {
    const verdicts = new Map<number, Verdict>([[1, { kind: 'conflicting', of: 'city-events/0/0' }]]);
    const state = new PartitionState(0, -Infinity);
    const changed = { ...event(1, 1), description: 'other' };
    const p = plan(messages([event(1, 1), changed]), state, verdicts);
    const nyc = p.rollupWrites.find((r) => r.key.scope === 'NYC')!;
    expect(nyc.next).toMatchObject({ o: 1, counts: { event_count: 1 } });
    expect(p.rollupWrites.find((r) => r.key.scope === '*')!.next.o).toBe(0);
    state.apply(p);
    const again = plan(messages([event(1, 1), changed]), state, verdicts);
    expect(again.deadLetters).toEqual([]);
    expect(again.stats).toMatchObject({ replayed: 2, conflicting: 0 });
  });

  it('--dlq-duplicates sends identical copies too, with reason duplicate', () => {
    const verdicts = new Map<number, Verdict>([[1, { kind: 'duplicate', of: 'city-events/0/0' }]]);
    const p = plan(messages([event(1, 1), event(1, 1)]), new PartitionState(0, -Infinity), verdicts, {
      ...OPTIONS,
      dlqDuplicates: true,
    });
    expect(p.deadLetters).toEqual([
      expect.objectContaining({ reason: 'duplicate', offset: 1, duplicateOf: 'city-events/0/0' }),
    ]);
  });

  it('claims the first copy of each event_id in a batch and judges the later ones by it', async () => {
    const changed = { ...event(1, 1), description: 'other' };
    const decoded = decodeAll(messages([event(1, 1), event(2, 2), event(1, 1), changed, '{bad']), parse);
    const candidates = candidatesOf(decoded, () => true, { topic: 'city-events', partition: 3 }, 3_600_000);
    expect(candidates).toHaveLength(4);
    expect(firstClaims(candidates).map((c) => [c.eventId, c.delivery])).toEqual([
      ['e-1', 'city-events/3/0'],
      ['e-2', 'city-events/3/1'],
    ]);
    expect(candidates[0]!.claim.expiresAt).toBe(Math.floor((T0 + MIN + 3_600_000) / 1000));
    const cache = new ClaimCache();
    const sent: string[] = [];
    const { verdicts, cached } = await judge(candidates, cache, 0, async (claims) => {
      sent.push(...claims.map((c) => c.eventId));
      // e-2 was claimed before by another partition's copy.
      return claims.map((c) =>
        c.eventId === 'e-2'
          ? {
              status: 'taken' as const,
              stored: { delivery: 'city-events/5/7', hash: c.hash, expiresAt: 9e9 },
            }
          : { status: 'won' as const },
      );
    });
    expect(sent).toEqual(['e-1', 'e-2']);
    expect(cached).toBe(0);
    expect([...verdicts]).toEqual([
      [1, { kind: 'duplicate', of: 'city-events/5/7' }],
      [2, { kind: 'duplicate', of: 'city-events/3/0' }],
      [3, { kind: 'conflicting', of: 'city-events/3/0' }],
    ]);
    // The same batch again (a replay): the cache answers, and the claiming delivery is not a copy.
    const again = await judge(candidates, cache, 0, async () => {
      throw new Error('no request expected');
    });
    expect(again.cached).toBe(2);
    expect(again.verdicts).toEqual(verdicts);
  });

  it('identical means the same canonical event; a delivery is topic, partition and offset', () => {
    const e = event(1, 1);
    // Other field order, another spelling of the same instant, an unknown extra field.
    const reordered = JSON.stringify({
      timestamp: e.timestamp.replace('.000Z', 'Z'),
      extra: 1,
      description: e.description,
      severity: e.severity,
      city: e.city,
      event_type: e.event_type,
      event_id: e.event_id,
    });
    const [a, b] = decodeAll(messages([e, reordered]), parse);
    expect(a!.parsed.ok && b!.parsed.ok).toBe(true);
    if (a!.parsed.ok && b!.parsed.ok) expect(contentHash(a!.parsed.event)).toBe(contentHash(b!.parsed.event));
    expect(contentHash({ ...e, city: 'LA' })).not.toBe(contentHash(e));
    expect(deliveryOf('city-events', 2, 41)).toBe('city-events/2/41');
    expect(() =>
      verdictsOf(
        candidatesOf(decodeAll(messages([e]), parse), () => true, { topic: 't', partition: 0 }, 1),
        new Map(),
      ),
    ).toThrow(/no claim/);
  });

  it('the claim cache forgets the least recently used and never serves an expired claim', () => {
    const cache = new ClaimCache(2);
    const c = (d: string, expiresAt = 100) => ({ delivery: d, hash: 'h', expiresAt });
    cache.set('a', c('t/0/1'));
    cache.set('b', c('t/0/2', 50));
    expect(cache.get('a', 10)?.delivery).toBe('t/0/1'); // a is now the most recent
    cache.set('c', c('t/0/3'));
    expect(cache.get('b', 10)).toBeUndefined();
    expect(cache.size).toBe(2);
    expect(cache.get('a', 100)).toBeUndefined(); // expired
    expect(cache.size).toBe(1);
  });
});
