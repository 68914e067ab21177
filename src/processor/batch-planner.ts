import type { CityEvent } from '../events/event.js';
import { LATE_REASON } from '../events/event-schema.js';
import { observeActivity, observeEvent, watermarkOf, type WatermarkState } from './watermark.js';
import { CONFLICTING_REASON, DUPLICATE_REASON, type Verdict } from './dedupe.js';
import { isFinal, isoTime, utcDay, windowOf } from '../events/windows.js';
import type { Decoded } from './decoded.js';
import {
  addToRollup,
  addToRollupInPlace,
  addToWindow,
  addToWindowInPlace,
  rollupId,
  rollupKeysOf,
  windowId,
  windowKeyOf,
  type Contribution,
  type RollupKey,
  type WindowKey,
} from '../store/contribution.js';

/**
 * The processor's core, free of I/O: what one batch of one partition must write, given the partition's
 * state. The consumer loop restores the state the batch needs (see {@link requiredKeys}), applies the plan
 * (DLQ, puts, conditional updates) and only then commits; on any failure it throws the plan away.
 */

/**
 * A city-events message with its parse result and event time, and the keys its event counts under once
 * the planner has computed them (a memo: see keysOf).
 */
export type DecodedMessage = Decoded<CityEvent> & { keys?: MessageKeys };

export interface PlannerOptions {
  windowMs: number;
  watermarkDelayMs: number;
  alertSeverities: ReadonlySet<string>;
  /** Send identical duplicates to the DLQ too (conflicting ones always go). */
  dlqDuplicates?: boolean;
}

/** The state a batch reads: contributions already restored from the items (null: no entry yet). */
export interface ContributionView {
  window(id: string): Contribution | null | undefined;
  rollup(id: string): Contribution | null | undefined;
}

export interface DeadLetter {
  key: Buffer | null;
  value: Buffer | null;
  reason: string;
  offset: number;
  /** For late events: the window that was already final. */
  window?: string;
  /** For duplicates: the delivery that won, `<topic>/<partition>/<offset>`. */
  duplicateOf?: string;
}

export interface WindowWrite {
  id: string;
  key: WindowKey;
  previous: Contribution | null;
  next: Contribution;
}

export interface RollupWrite {
  id: string;
  key: RollupKey;
  previous: Contribution | null;
  next: Contribution;
}

export interface BatchPlan {
  deadLetters: DeadLetter[];
  rawEvents: CityEvent[];
  alerts: CityEvent[];
  windowWrites: WindowWrite[];
  rollupWrites: RollupWrite[];
  watermark: WatermarkState;
  /** Windows that are final after this batch: written once more (if needed) and then evicted. */
  finalWindows: string[];
  stats: {
    valid: number;
    invalid: number;
    late: number;
    replayed: number;
    duplicates: number;
    conflicting: number;
  };
}

/** The window and rollup keys a batch may touch, so the loop can restore the missing ones first. */
export function requiredKeys(
  messages: readonly DecodedMessage[],
  options: PlannerOptions,
): { windows: Map<string, WindowKey>; rollups: Map<string, RollupKey> } {
  const windows = new Map<string, WindowKey>();
  const rollups = new Map<string, RollupKey>();
  for (const m of messages) {
    if (!m.parsed.ok) continue;
    const keys = keysOf(m, m.parsed.event, options.windowMs);
    windows.set(keys.windowId, keys.window);
    rollups.set(keys.cityId, keys.city);
    rollups.set(keys.allId, keys.all);
  }
  return { windows, rollups };
}

/**
 * True when every contribution a valid message touches (city and all-cities rollups, window) already
 * includes its offset: a replay with nothing left to write, which needs no de-duplication verdict.
 */
export function isSettled(m: DecodedMessage, view: ContributionView, options: PlannerOptions): boolean {
  if (!m.parsed.ok) return true;
  const keys = keysOf(m, m.parsed.event, options.windowMs);
  return (
    includes(view.rollup(keys.cityId), m.offset) &&
    includes(view.rollup(keys.allId), m.offset) &&
    includes(view.window(keys.windowId), m.offset)
  );
}

function includes(c: Contribution | null | undefined, offset: number): boolean {
  return c !== null && c !== undefined && offset <= c.o;
}

/** The window and the two rollup rows (city, all cities) a valid message counts in, with their ids. */
export interface MessageKeys {
  windowMs: number;
  window: WindowKey;
  windowId: string;
  city: RollupKey;
  cityId: string;
  all: RollupKey;
  allId: string;
}

/**
 * Every message's keys are needed three times per batch (restore, de-duplication, plan): building them
 * (a UTC day, three id strings, five objects) was much of the planner's cost, so they are built once and
 * kept on the message (a property is cheaper than a WeakMap entry per message). They depend only on the
 * event and the window size, which is checked, as callers may plan one batch with several.
 */
function keysOf(m: DecodedMessage, event: CityEvent, windowMs: number): MessageKeys {
  if (m.keys !== undefined && m.keys.windowMs === windowMs) return m.keys;
  m.keys = sharedKeys(event, m.eventMs, windowMs);
  return m.keys;
}

/**
 * The last keys built for each city and event type. A partition's events are keyed by city and come in
 * time order, so most share their window and day with an earlier one: they reuse its keys (immutable)
 * and its id strings, whose hashes the maps then need not compute again. Cities are open-ended: the
 * cache starts afresh past MAX_RECENT_CITIES.
 */
const recentKeys = new Map<string, Map<string, MessageKeys>>();
const MAX_RECENT_CITIES = 1_000;

function sharedKeys(event: CityEvent, eventMs: number, windowMs: number): MessageKeys {
  const window = windowOf(eventMs, windowMs);
  const day = utcDay(eventMs);
  let byType = recentKeys.get(event.city);
  const recent = byType?.get(event.event_type);
  if (
    recent !== undefined &&
    recent.windowMs === windowMs &&
    recent.window.window.startMs === window.startMs &&
    recent.city.day === day
  )
    return recent;
  const keys = buildKeys(event, eventMs, windowMs);
  if (byType === undefined) {
    if (recentKeys.size >= MAX_RECENT_CITIES) recentKeys.clear();
    byType = new Map();
    recentKeys.set(event.city, byType);
  }
  byType.set(event.event_type, keys);
  return keys;
}

function buildKeys(event: CityEvent, eventMs: number, windowMs: number): MessageKeys {
  const window = windowKeyOf(event, eventMs, windowMs);
  const [city, all] = rollupKeysOf(event, eventMs);
  return {
    windowMs,
    window,
    windowId: windowId(window),
    city,
    cityId: rollupId(city),
    all,
    allId: rollupId(all),
  };
}

/**
 * Plans one batch. Messages must be in offset order (as Kafka delivers them). `openWindows` are the
 * partition's known non-final windows from earlier batches, which may become final by this batch's watermark.
 * `verdicts` (by offset) are the copies the claims refused: they count nowhere, but like every valid
 * message they move the watermark, so a partition's watermark does not depend on which copy won.
 */
export function planBatch(
  messages: readonly DecodedMessage[],
  view: ContributionView,
  openWindows: ReadonlyMap<string, { key: WindowKey; entry: Contribution | null }>,
  watermarkIn: WatermarkState,
  options: PlannerOptions,
  nowWallMs: number,
  verdicts: ReadonlyMap<number, Verdict> = new Map(),
): BatchPlan {
  const plan: BatchPlan = {
    deadLetters: [],
    rawEvents: [],
    alerts: [],
    windowWrites: [],
    rollupWrites: [],
    watermark: watermarkIn,
    finalWindows: [],
    stats: { valid: 0, invalid: 0, late: 0, replayed: 0, duplicates: 0, conflicting: 0 },
  };
  const windows = new Map<string, PendingWrite<WindowKey>>();
  const rollups = new Map<string, PendingWrite<RollupKey>>();
  let watermark = watermarkIn;

  for (const m of messages) {
    if (!m.parsed.ok) {
      plan.stats.invalid += 1;
      plan.deadLetters.push({ key: m.key, value: m.value, reason: m.parsed.reason, offset: m.offset });
      watermark = observeActivity(watermark, nowWallMs);
      continue;
    }
    const event = m.parsed.event;
    const keys = keysOf(m, event, options.windowMs);
    const cityRollup = current(rollups, keys.cityId, keys.city, view, 'rollup');
    // Contributions are written after the batch's puts and DLQ records have succeeded, so an offset the
    // city rollup already includes is an event whose puts and DLQ record exist: replaying them is waste.
    const replayed = cityRollup.previous !== null && m.offset <= cityRollup.previous.o;
    const verdict = verdicts.get(m.offset);
    if (verdict) {
      if (replayed) plan.stats.replayed += 1;
      else {
        // The city rollup's offset moves past the copy (counts unchanged), so a replay of this batch
        // finds it included and sends its DLQ record no second time.
        const next = ownedNext(cityRollup);
        if (next !== null) next.o = m.offset;
        const conflicting = verdict.kind === 'conflicting';
        plan.stats[conflicting ? 'conflicting' : 'duplicates'] += 1;
        if (conflicting || options.dlqDuplicates) {
          const reason = conflicting ? CONFLICTING_REASON : DUPLICATE_REASON;
          plan.deadLetters.push({
            key: m.key,
            value: m.value,
            reason,
            offset: m.offset,
            duplicateOf: verdict.of,
          });
        }
      }
      watermark = observeEvent(watermark, m.eventMs, nowWallMs);
      continue;
    }
    const isAlert = options.alertSeverities.has(event.severity);
    if (replayed) plan.stats.replayed += 1;
    else {
      plan.stats.valid += 1;
      plan.rawEvents.push(event);
      if (isAlert) plan.alerts.push(event);
    }
    // Each contribution checks its own offset: the writes of one batch are not atomic together.
    addToRollupWrite(cityRollup, m.offset, event, isAlert);
    addToRollupWrite(current(rollups, keys.allId, keys.all, view, 'rollup'), m.offset, event, isAlert);

    const wk = keys.window;
    const win = current(windows, keys.windowId, wk, view, 'window');
    const wmBefore = watermarkOf(watermark, options.watermarkDelayMs);
    if (win.previous !== null && m.offset <= win.previous.o) {
      // Already counted in this window before a crash or rebalance: neither late nor new.
    } else if (isFinal(wk.window, wmBefore) || win.previous?.final === true) {
      // A window this partition already marked final (even in an earlier life) stays closed.
      if (!replayed) {
        plan.stats.late += 1;
        plan.deadLetters.push({
          key: m.key,
          value: m.value,
          reason: LATE_REASON,
          offset: m.offset,
          window: `${isoTime(wk.window.startMs)}/${isoTime(wk.window.endMs)}`,
        });
      }
    } else {
      if (isOwned(win)) addToWindowInPlace(win.next, m.offset, event);
      else win.next = addToWindow(win.next, m.offset, event);
    }
    watermark = observeEvent(watermark, m.eventMs, nowWallMs);
  }

  plan.watermark = watermark;
  const wm = watermarkOf(watermark, options.watermarkDelayMs);
  for (const [id, write] of windows) {
    if (write.previous?.final !== true && !isFinal(write.key.window, wm)) continue;
    plan.finalWindows.push(id);
    const entry = write.next ?? write.previous;
    if (entry !== null && entry.final !== true) write.next = { ...entry, final: true };
  }
  // Windows from earlier batches that this batch's watermark closes: one more write sets `final`.
  for (const [id, open] of openWindows) {
    if (windows.has(id)) continue;
    if (open.entry?.final !== true && !isFinal(open.key.window, wm)) continue;
    plan.finalWindows.push(id);
    if (open.entry === null) continue;
    const next = open.entry.final === true ? open.entry : { ...open.entry, final: true };
    windows.set(id, { id, key: open.key, previous: open.entry, next });
  }
  // A final entry is written again even when unchanged: the item's own `final` is set by a second
  // request after the entry's (contribution-writer), which a crash may have cut off; repeating it is
  // idempotent, and only windows touched by this batch (replays, late events) or restored open pay it.
  plan.windowWrites = [...windows.values()].filter(
    (w): w is PendingWrite<WindowKey> & { next: Contribution } =>
      w.next !== null && (w.next !== w.previous || w.next.final === true),
  );
  plan.rollupWrites = changed(rollups);
  return plan;
}

interface PendingWrite<K> {
  id: string;
  key: K;
  previous: Contribution | null;
  /** Starts as `previous` itself; identity tells "unchanged" apart from "changed". */
  next: Contribution | null;
}

function changed<K>(writes: Map<string, PendingWrite<K>>): Array<PendingWrite<K> & { next: Contribution }> {
  return [...writes.values()].filter(
    (w): w is PendingWrite<K> & { next: Contribution } => w.next !== null && w.next !== w.previous,
  );
}

/** The write being built for a key in this batch, created from the restored contribution on first touch. */
function current<K>(
  writes: Map<string, PendingWrite<K>>,
  id: string,
  key: K,
  view: ContributionView,
  kind: keyof ContributionView,
): PendingWrite<K> {
  let write = writes.get(id);
  if (!write) {
    const restored = view[kind](id);
    if (restored === undefined) throw new Error(`contribution ${id} was not restored before planning`);
    write = { id, key, previous: restored, next: restored };
    writes.set(id, write);
  }
  return write;
}

/**
 * A `next` other than `previous` was made by this batch and nothing else holds it yet (the plan is
 * not returned), so later events fold into it in place instead of copying its counts once per event.
 */
function isOwned<K>(write: PendingWrite<K>): write is PendingWrite<K> & { next: Contribution } {
  return write.next !== null && write.next !== write.previous;
}

/** The write's `next` (null: no entry yet), copied first if it is still the restored entry. */
function ownedNext<K>(write: PendingWrite<K>): Contribution | null {
  const next = write.next;
  if (next !== null && next === write.previous) write.next = { ...next, counts: { ...next.counts } };
  return write.next;
}

/** Counts the event in a rollup row, unless the row's stored entry already includes its offset. */
function addToRollupWrite(
  write: PendingWrite<RollupKey>,
  offset: number,
  event: CityEvent,
  isAlert: boolean,
): void {
  if (write.previous !== null && offset <= write.previous.o) return;
  if (isOwned(write)) addToRollupInPlace(write.next, offset, event, write.key.scope, isAlert);
  else write.next = addToRollup(write.next, offset, event, write.key.scope, isAlert);
}
