/**
 * The ground truth: what the tables and the dead-letter topic must hold after `citystream process` has
 * consumed a list of messages. It is the oracle of the pipeline tests, so it is written apart from the
 * processor, as plainly as possible — one pass over the messages, no I/O, nothing incremental.
 *
 * Rules (DESIGN.md "Processing semantics"; docs/events.md):
 * - Each message is parsed with event-schema's parseEvent (with `now` from the settings). A rejected one
 *   goes to the DLQ with its reason and nowhere else; it does not move any watermark.
 * - Messages are taken per partition in offset order (the input is grouped and sorted, and a repeated
 *   (partition, offset) counts once). Partitions are independent.
 * - Watermark of a partition before a message = (largest event time of the valid events before it on that
 *   partition) − watermark delay; −∞ before the first valid event.
 * - Windows are tumbling, aligned to the epoch: [floor(t/W)·W, +W). An event is late when its window's
 *   end <= the watermark before it. A late event is left out of the window aggregates and goes to the DLQ
 *   with reason `late`, but it is still a valid event: it is in raw, raises an alert if severe, and counts
 *   in the rollups.
 * - A window item is final when, for every partition that contributed to it, window_end <= that
 *   partition's final watermark. The wall-clock tick that advances an idle partition's watermark changes
 *   only finality: pass `idleWatermark` (the value the tick advanced watermarks to) to apply it. The
 *   oracle assumes no tick fired on a partition while it still had unconsumed messages, i.e. the tick
 *   never made an event late (true when the processor consumes a stream it keeps up with or a pre-filled
 *   topic).
 * - Raw events and alerts are puts by primary key: (event_id, timestamp) and (city, timestamp#event_id).
 *   A repeated key keeps one item (the last one seen).
 * - De-duplication (on unless `dedupe: false`): per event_id, the first copy in the order of the input
 *   wins (a repeated (partition, offset) is the same copy, a replay). Every other copy counts nowhere
 *   (not raw, not alerts, not windows, not rollups, not late) but, being a valid event, moves its
 *   partition's watermark. A copy whose canonical event differs from the winner's goes to the DLQ with
 *   reason `conflicting_duplicate`; an identical one only with `dlqDuplicates` (reason `duplicate`).
 *   The oracle cannot see which copy a processor claimed first across partitions, so a test must produce
 *   the copies it expects to lose after the winners were processed (same partition: later offsets suffice),
 *   and list the messages in that order. All copies are taken to be within the horizon.
 * - Rollups are per (scope, UTC day of event time) for scope = city and '*'.
 */
import type {
  AggregationDocument,
  CityDocument,
  StatsDocument,
  SummaryDocument,
} from '../../../src/queries/document-schemas.js';
import {
  EVENT_TYPES,
  SEVERITIES,
  type CityEvent,
  type EventType,
  type Severity,
} from '../../../src/events/event.js';
import { LATE_REASON, parseEvent } from '../../../src/events/event-schema.js';

export interface ConsumedMessage {
  partition: number;
  offset: string | number | bigint;
  key?: string | Buffer | null;
  value: string | Buffer | null;
}

export interface GroundTruthSettings {
  windowMinutes: number;
  watermarkMinutes: number;
  alertSeverities: readonly string[];
  ttlDays: number;
  /** The "now" for future-timestamp checks, TTL filtering and the 24-hour alert count (epoch ms). */
  now: number;
  maxFutureMs?: number;
  maxBytes?: number;
  /** The watermark the idle-partition tick advanced every partition to (epoch ms), if it fired. */
  idleWatermark?: number;
  /** De-duplicate by event_id (the processor's default); false: every valid message counts. */
  dedupe?: boolean;
  /** Identical copies go to the DLQ as well (`--dlq-duplicates`). */
  dlqDuplicates?: boolean;
}

export type RawEventItem = CityEvent & { expires_at: number };
export type AlertItem = CityEvent & { alert_key: string; day: string; expires_at: number };

/** A window item of the aggregations table: the published document plus its keys. */
export interface WindowItem extends Omit<AggregationDocument, 'event_type'> {
  agg_key: string;
  event_type: EventType;
  window_day: string;
}

export interface RollupItem {
  scope: string;
  day: string;
  event_count: number;
  alert_count: number;
  /** Every event type and severity, zeros included; `by_city` only in '*' rows (only cities seen). */
  by_type: Record<EventType, number>;
  by_severity: Record<Severity, number>;
  by_city?: Record<string, number>;
  first_event_at: string;
  last_event_at: string;
}

export interface DlqEntry {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  reason: string;
}

export interface GroundTruth {
  /** Sorted by timestamp, then event_id. */
  raw: RawEventItem[];
  /** Sorted by city, then alert_key. */
  alerts: AlertItem[];
  /** Sorted by agg_key, then window_start. */
  windows: WindowItem[];
  /** Sorted by scope, then day. */
  rollups: RollupItem[];
  /** Per partition in offset order, partitions ascending. */
  dlq: DlqEntry[];
  /** `valid` counts the winning copies only; `duplicates` and `conflicting` the others. */
  counts: {
    messages: number;
    valid: number;
    invalid: number;
    late: number;
    alerts: number;
    duplicates: number;
    conflicting: number;
  };
  /** Final watermark per partition (epoch ms; -Infinity if it saw no valid event). */
  watermarks: Map<number, number>;
}

export function computeGroundTruth(
  messages: readonly ConsumedMessage[],
  settings: GroundTruthSettings,
): GroundTruth {
  const windowMs = Math.round(settings.windowMinutes * 60_000);
  const watermarkMs = Math.round(settings.watermarkMinutes * 60_000);
  const ttlSeconds = settings.ttlDays * 86_400;
  const alertSeverities = new Set(settings.alertSeverities);

  const raw = new Map<string, RawEventItem>();
  const alerts = new Map<string, AlertItem>();
  const windows = new Map<string, WindowItem>();
  const windowPartitions = new Map<string, Set<number>>();
  const rollups = new Map<string, RollupItem>();
  const dlq: DlqEntry[] = [];
  const watermarks = new Map<number, number>();
  const counts = { messages: 0, valid: 0, invalid: 0, late: 0, alerts: 0, duplicates: 0, conflicting: 0 };
  const parseOptions = { now: settings.now, maxFutureMs: settings.maxFutureMs, maxBytes: settings.maxBytes };
  const winners = settings.dedupe === false ? undefined : winnersOf(messages, parseOptions);

  for (const [partition, partitionMessages] of byPartition(messages)) {
    let maxEventTime = -Infinity;
    for (const message of partitionMessages) {
      counts.messages += 1;
      const parsed = parseEvent(message.value, parseOptions);
      if (!parsed.ok) {
        counts.invalid += 1;
        dlq.push(dlqEntry(message, parsed.reason));
        continue;
      }
      const event = parsed.event;
      const time = Date.parse(event.timestamp);
      const winner = winners?.get(event.event_id);
      if (winner && winner.delivery !== deliveryOf(message)) {
        const conflicting = winner.content !== JSON.stringify(event);
        counts[conflicting ? 'conflicting' : 'duplicates'] += 1;
        if (conflicting || settings.dlqDuplicates)
          dlq.push(dlqEntry(message, conflicting ? 'conflicting_duplicate' : 'duplicate'));
        maxEventTime = Math.max(maxEventTime, time);
        continue;
      }
      counts.valid += 1;
      const expiresAt = Math.floor(time / 1000) + ttlSeconds;
      raw.set(`${event.event_id}|${event.timestamp}`, { ...event, expires_at: expiresAt });
      const isAlert = alertSeverities.has(event.severity);
      if (isAlert) {
        counts.alerts += 1;
        const alertKey = `${event.timestamp}#${event.event_id}`;
        alerts.set(`${event.city}|${alertKey}`, {
          ...event,
          alert_key: alertKey,
          day: dayOf(time),
          expires_at: expiresAt,
        });
      }
      addToRollup(rollups, event.city, event, isAlert, false);
      addToRollup(rollups, '*', event, isAlert, true);

      const windowStart = Math.floor(time / windowMs) * windowMs;
      const windowEnd = windowStart + windowMs;
      const watermark = maxEventTime - watermarkMs;
      maxEventTime = Math.max(maxEventTime, time);
      if (windowEnd <= watermark) {
        counts.late += 1;
        dlq.push(dlqEntry(message, LATE_REASON));
        continue;
      }
      const aggKey = `${event.city}#${event.event_type}`;
      const id = `${aggKey}|${windowStart}`;
      let window = windows.get(id);
      if (!window) {
        window = {
          agg_key: aggKey,
          city: event.city,
          event_type: event.event_type,
          window_start: new Date(windowStart).toISOString(),
          window_end: new Date(windowEnd).toISOString(),
          window_day: dayOf(windowStart),
          event_count: 0,
          low: 0,
          medium: 0,
          high: 0,
          critical: 0,
          final: false,
        };
        windows.set(id, window);
        windowPartitions.set(id, new Set());
      }
      window.event_count += 1;
      window[event.severity] += 1;
      windowPartitions.get(id)?.add(partition);
    }
    watermarks.set(partition, Math.max(maxEventTime - watermarkMs, settings.idleWatermark ?? -Infinity));
  }

  for (const [id, window] of windows) {
    const end = Date.parse(window.window_end);
    const partitions = [...(windowPartitions.get(id) ?? [])];
    window.final = partitions.every((p) => end <= (watermarks.get(p) ?? -Infinity));
  }

  return {
    raw: [...raw.values()].sort((a, b) => cmp(a.timestamp, b.timestamp) || cmp(a.event_id, b.event_id)),
    alerts: [...alerts.values()].sort((a, b) => cmp(a.city, b.city) || cmp(a.alert_key, b.alert_key)),
    windows: [...windows.values()].sort(
      (a, b) => cmp(a.agg_key, b.agg_key) || cmp(a.window_start, b.window_start),
    ),
    rollups: [...rollups.values()].sort((a, b) => cmp(a.scope, b.scope) || cmp(a.day, b.day)),
    dlq,
    counts,
    watermarks,
  };
}

function addToRollup(
  rollups: Map<string, RollupItem>,
  scope: string,
  event: CityEvent,
  isAlert: boolean,
  byCity: boolean,
): void {
  const day = event.timestamp.slice(0, 10);
  const id = `${scope}|${day}`;
  let row = rollups.get(id);
  if (!row) {
    row = {
      scope,
      day,
      event_count: 0,
      alert_count: 0,
      by_type: zeros(EVENT_TYPES),
      by_severity: zeros(SEVERITIES),
      first_event_at: event.timestamp,
      last_event_at: event.timestamp,
    };
    if (byCity) row.by_city = {};
    rollups.set(id, row);
  }
  row.event_count += 1;
  if (isAlert) row.alert_count += 1;
  row.by_type[event.event_type] += 1;
  row.by_severity[event.severity] += 1;
  if (row.by_city) row.by_city[event.city] = (row.by_city[event.city] ?? 0) + 1;
  if (event.timestamp < row.first_event_at) row.first_event_at = event.timestamp;
  if (event.timestamp > row.last_event_at) row.last_event_at = event.timestamp;
}

/** Per event_id, the first copy in input order: its delivery and canonical content. */
function winnersOf(
  messages: readonly ConsumedMessage[],
  parseOptions: { now: number; maxFutureMs?: number; maxBytes?: number },
): Map<string, { delivery: string; content: string }> {
  const winners = new Map<string, { delivery: string; content: string }>();
  for (const m of messages) {
    const parsed = parseEvent(m.value, parseOptions);
    if (!parsed.ok || winners.has(parsed.event.event_id)) continue;
    winners.set(parsed.event.event_id, { delivery: deliveryOf(m), content: JSON.stringify(parsed.event) });
  }
  return winners;
}

function deliveryOf(m: ConsumedMessage): string {
  return `${m.partition}|${BigInt(m.offset)}`;
}

/** Groups messages by partition (ascending), each in offset order, dropping repeated offsets. */
function byPartition(messages: readonly ConsumedMessage[]): Array<[number, ConsumedMessage[]]> {
  const groups = new Map<number, Map<bigint, ConsumedMessage>>();
  for (const m of messages) {
    let group = groups.get(m.partition);
    if (!group) groups.set(m.partition, (group = new Map()));
    const offset = BigInt(m.offset);
    if (!group.has(offset)) group.set(offset, m);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([p, group]) => [
      p,
      [...group.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, m]) => m),
    ]);
}

function dlqEntry(m: ConsumedMessage, reason: string): DlqEntry {
  return {
    partition: m.partition,
    offset: String(m.offset),
    key: m.key === undefined || m.key === null ? null : m.key.toString(),
    value: m.value === null ? null : m.value.toString(),
    reason,
  };
}

export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * What the read side should answer, derived from the ground truth: expectedStats, expectedCities and
 * expectedSummary have the shapes of the read side's StatsDocument, CityDocument[] and SummaryDocument
 * (declared in src/queries/document-schemas.ts); the list helpers return table items, which a test maps onto the
 * documents the API wraps them in.
 */
export interface TotalsView {
  total_events: number;
  total_alerts: number;
  by_type: Record<EventType, number>;
  by_severity: Record<Severity, number>;
  first_event_at: string | null;
  last_event_at: string | null;
}

/** Rollup rows of a scope that `stats`/`cities`/`summary` read: days >= today − ttlDays. */
export function visibleRollups(
  truth: GroundTruth,
  settings: GroundTruthSettings,
  scope: string,
): RollupItem[] {
  const firstDay = dayOf(settings.now - settings.ttlDays * 86_400_000);
  return truth.rollups.filter((r) => r.scope === scope && r.day >= firstDay);
}

export function expectedStats(truth: GroundTruth, settings: GroundTruthSettings): StatsDocument & TotalsView {
  const rows = visibleRollups(truth, settings, '*');
  const byCity: Record<string, number> = {};
  for (const row of rows)
    for (const [city, n] of Object.entries(row.by_city ?? {})) byCity[city] = (byCity[city] ?? 0) + n;
  return { ...sumRows(rows), by_city: byCity };
}

/** `[{city, event_count}]`, by count descending, then name. */
export function expectedCities(truth: GroundTruth, settings: GroundTruthSettings): CityDocument[] {
  return Object.entries(expectedStats(truth, settings).by_city)
    .map(([city, event_count]) => ({ city, event_count }))
    .sort((a, b) => b.event_count - a.event_count || cmp(a.city, b.city));
}

/** As the read side's SummaryDocument: one city's totals within the TTL and its alerts of the last 24 hours. */
export function expectedSummary(
  truth: GroundTruth,
  settings: GroundTruthSettings,
  city: string,
): SummaryDocument & Pick<TotalsView, 'by_type' | 'by_severity'> {
  const totals = sumRows(visibleRollups(truth, settings, city));
  return {
    city,
    total_events: totals.total_events,
    by_type: totals.by_type,
    by_severity: totals.by_severity,
    alerts_24h: expectedAlerts(truth, settings, { city, hours: 24 }).length,
    last_event_at: totals.last_event_at,
  };
}

/** Raw events the table still serves (expires_at > now), newest first; optionally one city's, at most `limit`. */
export function expectedEvents(
  truth: GroundTruth,
  settings: GroundTruthSettings,
  options: { city?: string; limit?: number } = {},
): RawEventItem[] {
  const nowSeconds = Math.floor(settings.now / 1000);
  return truth.raw
    .filter((e) => e.expires_at > nowSeconds && (options.city === undefined || e.city === options.city))
    .sort((a, b) => cmp(b.timestamp, a.timestamp) || cmp(b.event_id, a.event_id))
    .slice(0, options.limit ?? Infinity);
}

/** Alerts with timestamp >= now − hours (and not expired), newest first (alert_key descending). */
export function expectedAlerts(
  truth: GroundTruth,
  settings: GroundTruthSettings,
  options: { city?: string; hours: number; limit?: number },
): AlertItem[] {
  const cutoff = new Date(settings.now - options.hours * 3_600_000).toISOString();
  const nowSeconds = Math.floor(settings.now / 1000);
  return truth.alerts
    .filter(
      (a) =>
        a.alert_key >= cutoff &&
        a.expires_at > nowSeconds &&
        (options.city === undefined || a.city === options.city),
    )
    .sort((a, b) => cmp(b.alert_key, a.alert_key) || cmp(b.city, a.city))
    .slice(0, options.limit ?? Infinity);
}

/** Windows, newest first (window_start descending, then agg_key), optionally filtered. */
export function expectedWindows(
  truth: GroundTruth,
  options: { city?: string; type?: string; limit?: number } = {},
): WindowItem[] {
  return truth.windows
    .filter(
      (w) =>
        (options.city === undefined || w.city === options.city) &&
        (options.type === undefined || w.event_type === options.type),
    )
    .sort((a, b) => cmp(b.window_start, a.window_start) || cmp(a.agg_key, b.agg_key))
    .slice(0, options.limit ?? Infinity);
}

function sumRows(rows: readonly RollupItem[]): TotalsView {
  const view: TotalsView = {
    total_events: 0,
    total_alerts: 0,
    by_type: zeros(EVENT_TYPES),
    by_severity: zeros(SEVERITIES),
    first_event_at: null,
    last_event_at: null,
  };
  for (const row of rows) {
    view.total_events += row.event_count;
    view.total_alerts += row.alert_count;
    for (const t of EVENT_TYPES) view.by_type[t] += row.by_type[t];
    for (const s of SEVERITIES) view.by_severity[s] += row.by_severity[s];
    if (view.first_event_at === null || row.first_event_at < view.first_event_at)
      view.first_event_at = row.first_event_at;
    if (view.last_event_at === null || row.last_event_at > view.last_event_at)
      view.last_event_at = row.last_event_at;
  }
  return view;
}
