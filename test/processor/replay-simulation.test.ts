import { describe, expect, it } from 'vitest';
import type { CityEvent } from '../../src/events/event.js';
import { parseEvent } from '../../src/events/event-schema.js';
import { planBatch, requiredKeys, type PlannerOptions } from '../../src/processor/batch-planner.js';
import { decodeAll, type InputMessage } from '../../src/processor/decoded.js';
import { countDeltas, type Contribution } from '../../src/store/contribution.js';
import { PartitionState } from '../../src/processor/partition-state.js';
import { decodeClock, encodeClock } from '../../src/processor/watermark.js';
import { isFinal, windowOf } from '../../src/events/windows.js';
import { candidatesOf, contentHash, judge, type Verdict } from '../../src/processor/dedupe.js';
import { ClaimCache } from '../../src/processor/claim-cache.js';
import { isSettled } from '../../src/processor/batch-planner.js';
import type { Claim, ClaimOutcome, StoredClaim } from '../../src/store/claim-writer.js';

/**
 * The exactness argument, exercised: one partition's stream is processed in random batches, and the
 * "process" crashes after a random number of a batch's writes (which land in random order), restarting
 * from the committed offset and clock with empty memory. The items must end equal to a plain sequential
 * computation, whatever the crash points.
 */
const MIN = 60_000;
const OPTIONS: PlannerOptions = {
  windowMs: 5 * MIN,
  watermarkDelayMs: 10 * MIN,
  alertSeverities: new Set(['high', 'critical']),
};
const T0 = Date.parse('2026-11-22T23:00:00.000Z'); // crosses a day boundary
const CITIES = ['NYC', 'LA', 'SF'];
const TYPES = ['traffic', 'weather'] as const;
const SEVS = ['low', 'medium', 'high', 'critical'] as const;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function stream(n: number, random: () => number): InputMessage[] {
  const out: InputMessage[] = [];
  for (let i = 0; i < n; i++) {
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)] as T;
    // Mostly in order, some out of order, a few very late.
    const base = i * 0.5;
    const jitter = random() < 0.1 ? -random() * 30 : random() * 3;
    const e: CityEvent = {
      event_id: `e${i}`,
      event_type: pick(TYPES),
      city: pick(CITIES),
      severity: pick(SEVS),
      timestamp: new Date(T0 + (base + jitter) * MIN).toISOString(),
      description: 'd',
    };
    const value = random() < 0.05 ? '{"broken' : JSON.stringify(e);
    out.push({ offset: i, key: null, value: Buffer.from(value) });
  }
  return out;
}

/**
 * The same stream with copies mixed in: after some messages, a copy of an earlier valid one is appended
 * (as a producer retry would), identical or with another description (a conflicting copy).
 */
function withDuplicates(base: InputMessage[], random: () => number, fraction: number): InputMessage[] {
  const out: InputMessage[] = [];
  for (const m of base) {
    out.push({ ...m, offset: out.length });
    if (random() >= fraction) continue;
    const source = out[Math.max(0, out.length - 1 - Math.floor(random() * 60))]!;
    const parsed = parseEvent(source.value);
    if (!parsed.ok) continue;
    const copy = random() < 0.3 ? { ...parsed.event, description: 'changed' } : parsed.event;
    out.push({ offset: out.length, key: null, value: Buffer.from(JSON.stringify(copy)) });
  }
  return out;
}

/** A conditional-put claim table: the semantics the claim writer relies on. */
class FakeClaims {
  readonly stored = new Map<string, StoredClaim>();
  claim(c: Claim): ClaimOutcome {
    const s = this.stored.get(c.eventId);
    if (s && s.delivery !== c.delivery) return { status: 'taken', stored: s };
    this.stored.set(c.eventId, { delivery: c.delivery, hash: c.hash, expiresAt: c.expiresAt });
    return { status: 'won' };
  }
}

const parse = (v: Buffer | null) => parseEvent(v, { now: T0 + 10_000 * MIN });

interface Item {
  entries: Map<number, Contribution>;
  totals: Record<string, number>;
  /** The item's own flag, set by a second request after a final entry's write (as contribution-writer does). */
  final?: boolean;
}

/** A conditional-update table: the semantics the contribution writer relies on. */
class FakeTable {
  readonly items = new Map<string, Item>();
  update(id: string, partition: number, previous: Contribution | null, next: Contribution): void {
    const item: Item = this.items.get(id) ?? { entries: new Map(), totals: {} };
    const stored = item.entries.get(partition);
    if ((stored?.o ?? null) !== (previous?.o ?? null)) throw new Error(`condition failed on ${id}`);
    for (const [k, d] of Object.entries(countDeltas(previous, next)))
      item.totals[k] = (item.totals[k] ?? 0) + d;
    item.entries.set(partition, next);
    this.items.set(id, item);
  }
  markFinal(id: string): void {
    const item = this.items.get(id);
    if (item && [...item.entries.values()].every((e) => e.final === true)) item.final = true;
  }
  read(id: string, partition: number): Contribution | null {
    return this.items.get(id)?.entries.get(partition) ?? null;
  }
}

/** What the loop does on assignment: list the items in the open range and keep this partition's open ones. */
function restoreOpenWindows(state: PartitionState, windows: FakeTable): void {
  const range = state.openWindowRange(OPTIONS.windowMs, OPTIONS.watermarkDelayMs);
  if (!range) return;
  for (const [id, item] of windows.items) {
    const [key, start] = id.split('@') as [string, string];
    const startMs = Number(start);
    const entry = item.entries.get(0);
    if (startMs < range.fromMs || startMs > range.toMs || !entry || (entry.final && item.final)) continue;
    const [city, eventType] = key.split('#') as [string, string];
    state.restoreWindow(id, { city, eventType, window: windowOf(startMs, OPTIONS.windowMs) }, entry);
  }
}

async function run(msgs: InputMessage[], seed: number, crashChance: number, dedupe = false) {
  const random = rng(seed);
  const claims = new FakeClaims();
  let cache = new ClaimCache(50);
  const windows = new FakeTable();
  const rollups = new FakeTable();
  const raw = new Map<string, string>();
  const dlq: Array<{ offset: number; reason: string }> = [];
  let committed = { offset: 0, metadata: null as string | null };
  let state = new PartitionState(0, decodeClock(committed.metadata));
  let crashes = 0;
  while (committed.offset < msgs.length) {
    const size = 1 + Math.floor(random() * 40);
    const batch = msgs.slice(committed.offset, committed.offset + size);
    const decoded = decodeAll(batch, parse);
    const keys = requiredKeys(decoded, OPTIONS);
    for (const id of state.missingWindows(keys.windows.keys()))
      state.restoreWindow(id, keys.windows.get(id)!, windows.read(id, 0));
    for (const id of state.missingRollups(keys.rollups.keys()))
      state.restoreRollup(id, keys.rollups.get(id)!, rollups.read(id, 0));
    // Phase 0: claims, which may land partly before a crash (the cache dies with the process).
    let verdicts = new Map<number, Verdict>();
    if (dedupe) {
      const view = state.view();
      const candidates = candidatesOf(
        decoded,
        (m) => !isSettled(m, view, OPTIONS),
        { topic: 't', partition: 0 },
        86_400_000 * 365,
      );
      const crashInClaims = random() < crashChance / 3;
      try {
        ({ verdicts } = await judge(candidates, cache, 0, async (list) =>
          list.map((c, i) => {
            if (crashInClaims && i === list.length - 1) throw new Error('crash');
            return claims.claim(c);
          }),
        ));
      } catch {
        crashes += 1;
        cache = new ClaimCache(50);
        state = new PartitionState(0, decodeClock(committed.metadata));
        restoreOpenWindows(state, windows);
        continue;
      }
    }
    const plan = planBatch(decoded, state.view(), state.windows, state.watermark, OPTIONS, 0, verdicts);
    // Phase 1: DLQ and puts.
    for (const d of plan.deadLetters) dlq.push({ offset: d.offset, reason: d.reason });
    for (const e of plan.rawEvents) {
      // First stored wins: a put never replaces a raw event with another copy's content.
      const hash = contentHash(e);
      expect(raw.get(e.event_id) ?? hash).toBe(hash);
      raw.set(e.event_id, hash);
    }
    // Phase 2: contributions in random order, possibly cut short by a crash.
    // A window's write and its item-level `final` step are two requests, in that order; a crash can fall
    // between them. Items are written in random order.
    const groups: Array<Array<() => void>> = [
      ...plan.windowWrites.map((w) => {
        const steps = [() => windows.update(w.id, 0, w.previous, w.next)];
        if (w.next.final) steps.push(() => windows.markFinal(w.id));
        return steps;
      }),
      ...plan.rollupWrites.map((w) => [() => rollups.update(w.id, 0, w.previous, w.next)]),
    ].sort(() => random() - 0.5);
    const writes = groups.flat();
    const crashAt = random() < crashChance ? Math.floor(random() * (writes.length + 1)) : -1;
    let crashed = false;
    for (let i = 0; i < writes.length; i++) {
      if (i === crashAt) {
        crashed = true;
        break;
      }
      writes[i]!();
    }
    if (crashed || crashAt === writes.length) {
      crashes += 1;
      if (random() < 0.5) cache = new ClaimCache(50);
      state = new PartitionState(0, decodeClock(committed.metadata));
      restoreOpenWindows(state, windows);
      continue;
    }
    state.apply(plan);
    committed = { offset: batch[batch.length - 1]!.offset + 1, metadata: encodeClock(plan.watermark) };
  }
  return { windows, rollups, raw, dlq, crashes };
}

/** The plain sequential computation, written independently of the planner. */
function oracle(msgs: InputMessage[]) {
  const seen = new Map<string, string>();
  const duplicates = new Set<number>();
  const conflicting = new Set<number>();
  const windows = new Map<string, Record<string, number>>();
  const finals = new Map<string, boolean>();
  const rollups = new Map<string, number>();
  const late = new Set<number>();
  const invalid = new Set<number>();
  let clock = -Infinity;
  for (const m of msgs) {
    const r = parse(m.value);
    if (!r.ok) {
      invalid.add(m.offset);
      continue;
    }
    const t = Date.parse(r.event.timestamp);
    const content = JSON.stringify(r.event);
    const first = seen.get(r.event.event_id);
    if (first !== undefined) {
      // A copy counts nowhere, but it was seen: the partition's event clock moves.
      (first === content ? duplicates : conflicting).add(m.offset);
      clock = Math.max(clock, t);
      continue;
    }
    seen.set(r.event.event_id, content);
    const w = windowOf(t, OPTIONS.windowMs);
    const id = `${r.event.city}#${r.event.event_type}@${w.startMs}`;
    if (w.endMs <= clock - OPTIONS.watermarkDelayMs) late.add(m.offset);
    else {
      const c = windows.get(id) ?? {};
      c.event_count = (c.event_count ?? 0) + 1;
      c[r.event.severity] = (c[r.event.severity] ?? 0) + 1;
      windows.set(id, c);
    }
    const day = r.event.timestamp.slice(0, 10);
    for (const scope of [r.event.city, '*'])
      rollups.set(`${scope}@${day}`, (rollups.get(`${scope}@${day}`) ?? 0) + 1);
    clock = Math.max(clock, t);
  }
  for (const id of windows.keys()) {
    const start = Number(id.split('@')[1]);
    finals.set(
      id,
      isFinal({ startMs: start, endMs: start + OPTIONS.windowMs }, clock - OPTIONS.watermarkDelayMs),
    );
  }
  return { windows, finals, rollups, late, invalid, duplicates, conflicting, unique: seen.size };
}

describe('replay simulation (crash after any subset of a batch’s writes)', () => {
  const msgs = stream(1500, rng(7));
  const expected = oracle(msgs);

  it.each([1, 2, 3, 4, 5])('seed %i: items equal the sequential computation', async (seed) => {
    const got = await run(msgs, seed, 0.3);
    expect(got.crashes).toBeGreaterThan(5);
    expect(expected.late.size).toBeGreaterThan(10);
    const totals = new Map([...got.windows.items].map(([id, item]) => [id, item.totals]));
    for (const [id, counts] of expected.windows) expect(totals.get(id), id).toEqual(counts);
    for (const [id, item] of got.windows.items) {
      if (!expected.windows.has(id)) expect(item.totals.event_count ?? 0, id).toBe(0);
      else expect(item.final ?? false, id).toBe(expected.finals.get(id));
    }
    for (const [id, n] of expected.rollups) expect(got.rollups.items.get(id)?.totals.event_count, id).toBe(n);
    expect(got.raw.size).toBe(msgs.length - expected.invalid.size);
    // DLQ: at least once, and every late and malformed one is there.
    const lateSent = new Set(got.dlq.filter((d) => d.reason === 'late').map((d) => d.offset));
    expect(lateSent).toEqual(expected.late);
    expect(new Set(got.dlq.filter((d) => d.reason !== 'late').map((d) => d.offset))).toEqual(
      expected.invalid,
    );
  });

  it('without crashes, each late and malformed message reaches the DLQ exactly once', async () => {
    const got = await run(msgs, 9, 0);
    expect(got.dlq.length).toBe(expected.late.size + expected.invalid.size);
  });
});

describe('replay simulation with duplicates (crash during claims or after any subset of writes)', () => {
  const msgs = withDuplicates(stream(1500, rng(11)), rng(12), 0.1);
  const expected = oracle(msgs);

  it.each([1, 2, 3, 4, 5])('seed %i: every event_id counts once, the first copy wins', async (seed) => {
    const got = await run(msgs, seed, 0.3, true);
    expect(got.crashes).toBeGreaterThan(5);
    expect(expected.duplicates.size).toBeGreaterThan(50);
    expect(expected.conflicting.size).toBeGreaterThan(20);
    const totals = new Map([...got.windows.items].map(([id, item]) => [id, item.totals]));
    for (const [id, counts] of expected.windows) expect(totals.get(id), id).toEqual(counts);
    for (const [id, item] of got.windows.items) {
      if (!expected.windows.has(id)) expect(item.totals.event_count ?? 0, id).toBe(0);
      else expect(item.final ?? false, id).toBe(expected.finals.get(id));
    }
    for (const [id, n] of expected.rollups) expect(got.rollups.items.get(id)?.totals.event_count, id).toBe(n);
    const rollupTotal = [...got.rollups.items]
      .filter(([id]) => id.startsWith('*@'))
      .reduce((n, [, item]) => n + (item.totals.event_count ?? 0), 0);
    expect(rollupTotal).toBe(expected.unique);
    expect(got.raw.size).toBe(expected.unique);
    const sent = (reason: string) => new Set(got.dlq.filter((d) => d.reason === reason).map((d) => d.offset));
    expect(sent('late')).toEqual(expected.late);
    expect(sent('conflicting_duplicate')).toEqual(expected.conflicting);
    expect(sent('duplicate')).toEqual(new Set());
  });

  it('without crashes, each conflicting copy reaches the DLQ exactly once', async () => {
    const got = await run(msgs, 9, 0, true);
    const conflicting = got.dlq.filter((d) => d.reason === 'conflicting_duplicate');
    expect(conflicting.length).toBe(expected.conflicting.size);
  });
});
