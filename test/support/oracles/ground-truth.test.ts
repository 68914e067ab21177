import { describe, expect, it } from 'vitest';
import { EventGenerator, steppedClock } from '../../../src/events/generator.js';
import {
  computeGroundTruth,
  expectedAlerts,
  expectedCities,
  expectedEvents,
  expectedStats,
  expectedSummary,
  expectedWindows,
  type ConsumedMessage,
  type GroundTruthSettings,
} from './ground-truth.js';

const settings: GroundTruthSettings = {
  windowMinutes: 5,
  watermarkMinutes: 10,
  alertSeverities: ['high', 'critical'],
  ttlDays: 30,
  now: Date.parse('2026-11-22T13:00:00.000Z'),
};

let n = 0;
function ev(city: string, type: string, severity: string, timestamp: string): string {
  n += 1;
  return JSON.stringify({
    event_id: `id-${n}`,
    event_type: type,
    city,
    severity,
    timestamp,
    description: 'd',
  });
}

const p0: ConsumedMessage[] = [
  ev('Chicago', 'traffic', 'high', '2026-11-22T12:00:00Z'),
  ev('Chicago', 'traffic', 'low', '2026-11-22T12:03:00Z'),
  '{"event_id":',
  ev('Chicago', 'traffic', 'medium', '2026-11-22T12:20:00Z'),
  ev('Chicago', 'traffic', 'critical', '2026-11-22T12:04:00Z'), // window ends 12:05 <= watermark 12:10: late
  ev('Chicago', 'weather', 'low', '2026-11-22T12:09:59Z'), // window ends 12:10 <= 12:10: late (boundary)
  ev('Chicago', 'weather', 'low', '2026-11-22T12:10:00Z'), // window ends 12:15: on time
].map((value, offset) => ({ partition: 0, offset: String(offset), key: 'Chicago', value }));

const p1: ConsumedMessage[] = [
  ev('NYC', 'incident', 'high', '2026-11-21T23:58:00Z'),
  ev('NYC', 'incident', 'critical', '2026-11-22T00:01:00.000Z'),
  JSON.stringify({ event_id: 'x', event_type: 'traffic', city: 'NYC', timestamp: '2026-11-22T00:00:00Z' }),
].map((value, offset) => ({ partition: 1, offset, key: 'NYC', value }));

// Interleaved, with one message consumed twice (a replay): the oracle must not depend on either.
const messages = [p1[0]!, p0[0]!, p0[1]!, p1[1]!, p1[1]!, ...p0.slice(2), p1[2]!];

describe('ground truth', () => {
  const truth = computeGroundTruth(messages, settings);

  it('counts messages, valid, invalid, late and alerts', () => {
    expect(truth.counts).toEqual({
      messages: 10,
      valid: 8,
      invalid: 2,
      late: 2,
      alerts: 4,
      duplicates: 0,
      conflicting: 0,
    });
  });

  it('lists the DLQ per partition in offset order, with reasons', () => {
    expect(truth.dlq.map((d) => [d.partition, d.offset, d.reason])).toEqual([
      [0, '2', 'invalid_json'],
      [0, '4', 'late'],
      [0, '5', 'late'],
      [1, '2', 'missing_field:severity'],
    ]);
    expect(truth.dlq[0]).toMatchObject({ key: 'Chicago', value: '{"event_id":' });
  });

  it('keeps late events out of windows, and marks windows final by the watermark', () => {
    const rows = truth.windows.map((w) => [
      w.agg_key,
      w.window_start,
      w.event_count,
      w.low,
      w.medium,
      w.high,
      w.critical,
      w.final,
    ]);
    expect(rows).toEqual([
      ['Chicago#traffic', '2026-11-22T12:00:00.000Z', 2, 1, 0, 1, 0, true],
      ['Chicago#traffic', '2026-11-22T12:20:00.000Z', 1, 0, 1, 0, 0, false],
      ['Chicago#weather', '2026-11-22T12:10:00.000Z', 1, 1, 0, 0, 0, false],
      ['NYC#incident', '2026-11-21T23:55:00.000Z', 1, 0, 0, 1, 0, false],
      ['NYC#incident', '2026-11-22T00:00:00.000Z', 1, 0, 0, 0, 1, false],
    ]);
    expect(truth.windows[3]).toMatchObject({
      window_end: '2026-11-22T00:00:00.000Z',
      window_day: '2026-11-21',
    });
    expect(truth.watermarks.get(0)).toBe(Date.parse('2026-11-22T12:10:00Z'));
  });

  it('makes every window final once an idle tick advanced the watermarks', () => {
    const idle = computeGroundTruth(messages, { ...settings, idleWatermark: settings.now - 10 * 60_000 });
    expect(idle.windows.every((w) => w.final)).toBe(true);
    expect(idle.dlq).toEqual(truth.dlq);
  });

  it('stores late events in raw, alerts and rollups', () => {
    expect(truth.raw.map((e) => e.event_id)).toEqual([
      'id-7',
      'id-8',
      'id-1',
      'id-2',
      'id-4',
      'id-5',
      'id-6',
      'id-3',
    ]);
    expect(truth.raw[0]!.expires_at).toBe(Date.parse('2026-11-21T23:58:00Z') / 1000 + 30 * 86400);
    expect(truth.alerts.map((a) => [a.city, a.alert_key, a.day])).toEqual([
      ['Chicago', '2026-11-22T12:00:00.000Z#id-1', '2026-11-22'],
      ['Chicago', '2026-11-22T12:04:00.000Z#id-4', '2026-11-22'],
      ['NYC', '2026-11-21T23:58:00.000Z#id-7', '2026-11-21'],
      ['NYC', '2026-11-22T00:01:00.000Z#id-8', '2026-11-22'],
    ]);
  });

  it('rolls up per city and day and across cities', () => {
    const chicago = truth.rollups.find((r) => r.scope === 'Chicago');
    expect(chicago).toEqual({
      scope: 'Chicago',
      day: '2026-11-22',
      event_count: 6,
      alert_count: 2,
      by_type: { traffic: 4, weather: 2, incident: 0, construction: 0 },
      by_severity: { low: 3, medium: 1, high: 1, critical: 1 },
      first_event_at: '2026-11-22T12:00:00.000Z',
      last_event_at: '2026-11-22T12:20:00.000Z',
    });
    expect(truth.rollups.map((r) => [r.scope, r.day, r.event_count, r.alert_count, r.by_city])).toEqual([
      ['*', '2026-11-21', 1, 1, { NYC: 1 }],
      ['*', '2026-11-22', 7, 3, { Chicago: 6, NYC: 1 }],
      ['Chicago', '2026-11-22', 6, 2, undefined],
      ['NYC', '2026-11-21', 1, 1, undefined],
      ['NYC', '2026-11-22', 1, 1, undefined],
    ]);
  });

  it('derives the read side: stats, cities, summary, events, alerts, windows', () => {
    expect(expectedStats(truth, settings)).toEqual({
      total_events: 8,
      total_alerts: 4,
      by_type: { traffic: 4, weather: 2, incident: 2, construction: 0 },
      by_severity: { low: 3, medium: 1, high: 2, critical: 2 },
      by_city: { NYC: 2, Chicago: 6 },
      first_event_at: '2026-11-21T23:58:00.000Z',
      last_event_at: '2026-11-22T12:20:00.000Z',
    });
    expect(expectedCities(truth, settings)).toEqual([
      { city: 'Chicago', event_count: 6 },
      { city: 'NYC', event_count: 2 },
    ]);
    expect(expectedSummary(truth, settings, 'NYC')).toEqual({
      city: 'NYC',
      total_events: 2,
      by_type: { traffic: 0, weather: 0, incident: 2, construction: 0 },
      by_severity: { low: 0, medium: 0, high: 1, critical: 1 },
      alerts_24h: 2,
      last_event_at: '2026-11-22T00:01:00.000Z',
    });
    expect(expectedEvents(truth, settings, { city: 'Chicago', limit: 2 }).map((e) => e.event_id)).toEqual([
      'id-3',
      'id-6',
    ]);
    expect(expectedAlerts(truth, settings, { hours: 1 }).map((a) => a.event_id)).toEqual(['id-4', 'id-1']);
    expect(expectedWindows(truth, { city: 'Chicago', limit: 1 }).map((w) => w.window_start)).toEqual([
      '2026-11-22T12:20:00.000Z',
    ]);
  });

  it('hides what the TTL has expired', () => {
    const later = { ...settings, now: Date.parse('2027-01-01T00:00:00Z') };
    const t = computeGroundTruth(messages, later);
    expect(expectedStats(t, later).total_events).toBe(0);
    expect(expectedEvents(t, later)).toEqual([]);
    expect(t.raw).toHaveLength(8);
  });
});

describe('ground truth of a generated stream', () => {
  it('puts exactly the invalid messages in the DLQ with their reasons, and only lagging events are late', () => {
    const start = Date.parse('2026-11-22T10:00:00.000Z');
    const generated = new EventGenerator({
      seed: 11,
      clock: steppedClock(start, 2000),
      lateFraction: 0.15,
      invalidFraction: 0.05,
      maxLatenessMs: 30 * 60_000,
    }).take(3000);
    // Three partitions, keyed by city as the producer does; offsets in send order.
    const offsets = [0, 0, 0];
    const partitionOf = (city: string) => [...city].reduce((h, c) => h + c.charCodeAt(0), 0) % 3;
    const consumed = generated.map((m) => {
      const partition = partitionOf(m.key);
      return { partition, offset: offsets[partition]!++, key: m.key, value: m.value, source: m };
    });
    const truth = computeGroundTruth(consumed, { ...settings, now: start + 2 * 86_400_000 });
    const bySource = new Map(consumed.map((c) => [`${c.partition}/${c.offset}`, c.source]));

    const invalid = truth.dlq.filter((d) => d.reason !== 'late');
    expect(invalid).toHaveLength(generated.filter((m) => m.kind === 'invalid').length);
    for (const d of invalid)
      expect(d.reason).toBe(bySource.get(`${d.partition}/${d.offset}`)?.expectedReason);

    const late = truth.dlq.filter((d) => d.reason === 'late');
    expect(late.length).toBeGreaterThan(0);
    for (const d of late) {
      const source = bySource.get(`${d.partition}/${d.offset}`)!;
      expect(source.kind).toBe('delayed');
    }
    expect(truth.counts.valid).toBe(3000 - invalid.length);
    const windowed = truth.windows.reduce((s, w) => s + w.event_count, 0);
    expect(windowed).toBe(truth.counts.valid - late.length);
    expect(truth.rollups.filter((r) => r.scope === '*').reduce((s, r) => s + r.event_count, 0)).toBe(
      truth.counts.valid,
    );
  });
});

describe('ground truth with duplicates', () => {
  const original = JSON.parse(ev('LA', 'traffic', 'high', '2026-11-22T12:00:00Z')) as Record<string, unknown>;
  const later = ev('LA', 'weather', 'low', '2026-11-22T12:24:00Z');
  const at = (partition: number, offset: number, value: unknown): ConsumedMessage => ({
    partition,
    offset,
    key: 'k',
    value: typeof value === 'string' ? value : JSON.stringify(value),
  });
  const messages: ConsumedMessage[] = [
    at(0, 0, original),
    at(0, 1, { ...original, description: 'd' }), // identical (same canonical event)
    at(0, 1, { ...original, description: 'd' }), // the same delivery read twice: a replay, not a copy
    at(3, 0, { ...original, city: 'SF' }), // re-keyed to another city: conflicting
    at(3, 1, { ...original, timestamp: '2026-11-22T12:40:00Z' }), // another time: conflicting, moves p3's clock
    at(3, 2, later),
  ];

  it('counts the first copy once; a conflicting copy goes to the DLQ; every copy moves its watermark', () => {
    const truth = computeGroundTruth(messages, settings);
    expect(truth.counts).toMatchObject({ valid: 2, duplicates: 1, conflicting: 2, late: 1 });
    expect(truth.raw.map((r) => [r.event_id, r.city])).toEqual([
      [original.event_id, 'LA'],
      [JSON.parse(later).event_id, 'LA'],
    ]);
    expect(truth.dlq.map((d) => [d.partition, d.offset, d.reason])).toEqual([
      [3, '0', 'conflicting_duplicate'],
      [3, '1', 'conflicting_duplicate'],
      [3, '2', 'late'], // window 12:20–12:25 is late behind the copy's 12:40 − 10 min
    ]);
    expect(expectedStats(truth, settings).total_events).toBe(2);
    expect(truth.rollups.find((r) => r.scope === '*')?.by_city).toEqual({ LA: 2 });
  });

  it('--dlq-duplicates sends the identical copy too; dedupe false counts every copy', () => {
    const dlq = computeGroundTruth(messages, { ...settings, dlqDuplicates: true }).dlq;
    expect(dlq.map((d) => d.reason)).toEqual([
      'duplicate',
      'conflicting_duplicate',
      'conflicting_duplicate',
      'late',
    ]);
    expect(computeGroundTruth(messages, { ...settings, dedupe: false }).counts.valid).toBe(5);
  });
});
