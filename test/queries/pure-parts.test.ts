import { describe, expect, it } from 'vitest';
import { toAggregationDocument } from '../../src/queries/documents.js';
import { marshall } from '@aws-sdk/util-dynamodb';
import {
  aggregationRangeProblem,
  cityProblem,
  eventTypeProblem,
  parseInstant,
} from '../../src/queries/parameters.js';
import { cityCounts, sumRollups } from '../../src/queries/rollup-totals.js';
import { daysNewestFirst, oldestLiveDay } from '../../src/queries/time-range.js';

describe('time ranges', () => {
  it('lists UTC days newest first across month and year ends', () => {
    expect(daysNewestFirst(new Date('2027-01-01T00:30:00Z'), new Date('2026-12-30T23:59:59Z'))).toEqual([
      '2027-01-01',
      '2026-12-31',
      '2026-12-30',
    ]);
    expect(daysNewestFirst(new Date('2026-11-22T10:00:00Z'), new Date('2026-11-22T01:00:00Z'))).toEqual([
      '2026-11-22',
    ]);
    expect(daysNewestFirst(new Date('2026-11-21T10:00:00Z'), new Date('2026-11-22T01:00:00Z'))).toEqual([]);
    expect(oldestLiveDay(new Date('2026-11-22T10:00:00Z'), 30)).toBe('2026-10-23');
  });
});

describe('rollup totals', () => {
  it('sums rows and takes first/last over every partition entry', () => {
    const totals = sumRollups([
      {
        scope: '*',
        day: '2026-11-21',
        event_count: 3,
        alert_count: 1,
        t_traffic: 2,
        t_weather: 1,
        s_low: 2,
        s_high: 1,
        c_NYC: 2,
        c_LA: 1,
        p_0: { o: 7, first: '2026-11-21T03:00:00.000Z', last: '2026-11-21T20:00:00.000Z' },
        p_1: { o: 2, first: '2026-11-21T01:00:00.000Z', last: '2026-11-21T05:00:00.000Z' },
      },
      {
        scope: '*',
        day: '2026-11-22',
        event_count: 1,
        alert_count: 0,
        t_traffic: 1,
        s_low: 1,
        c_LA: 1,
        p_1: { o: 9, first: '2026-11-22T02:00:00.000Z', last: '2026-11-22T02:00:00.000Z' },
      },
    ]);
    expect(totals).toEqual({
      total_events: 4,
      total_alerts: 1,
      by_type: { traffic: 3, weather: 1, incident: 0, construction: 0 },
      by_severity: { low: 3, medium: 0, high: 1, critical: 0 },
      by_city: { NYC: 2, LA: 2 },
      first_event_at: '2026-11-21T01:00:00.000Z',
      last_event_at: '2026-11-22T02:00:00.000Z',
    });
    expect(cityCounts(totals.by_city)).toEqual([
      { city: 'LA', event_count: 2 },
      { city: 'NYC', event_count: 2 },
    ]);
    expect(sumRollups([])).toMatchObject({ total_events: 0, first_event_at: null, last_event_at: null });
  });
});

describe('documents', () => {
  it('keeps p_* and open_parts inside the table', () => {
    const item = marshall({
      agg_key: 'San Jose#traffic',
      window_start: '2026-11-22T18:00:00.000Z',
      window_end: '2026-11-22T18:05:00.000Z',
      window_day: '2026-11-22',
      city: 'San Jose',
      event_type: 'traffic',
      event_count: 2,
      low: 1,
      critical: 1,
      open_parts: 0,
      final: true,
      p_3: { o: 12, f: true, event_count: 2 },
    });
    expect(toAggregationDocument(item)).toEqual({
      city: 'San Jose',
      event_type: 'traffic',
      window_start: '2026-11-22T18:00:00.000Z',
      window_end: '2026-11-22T18:05:00.000Z',
      event_count: 2,
      low: 1,
      medium: 0,
      high: 0,
      critical: 1,
      final: true,
    });
  });
});

describe('read parameters', () => {
  it('accepts sane names and types, refuses the rest', () => {
    expect(cityProblem('San Jose')).toBeUndefined();
    expect(cityProblem('St. John_s-2')).toBeUndefined();
    expect(cityProblem('NYC#0')).toMatch(/letters, digits/);
    expect(cityProblem('x'.repeat(65))).toMatch(/letters, digits/);
    expect(eventTypeProblem('traffic')).toBeUndefined();
    expect(eventTypeProblem('Traffic')).toMatch(/one of traffic/);
  });

  it('parses instants into the canonical form', () => {
    expect(parseInstant('2026-11-22')).toEqual({ value: '2026-11-22T00:00:00.000Z' });
    expect(parseInstant('2026-11-22T19:00:00+01:00')).toEqual({ value: '2026-11-22T18:00:00.000Z' });
    expect(parseInstant('1700000000')).toHaveProperty('problem');
    expect(parseInstant('2026-02-31T00:00:00Z')).toHaveProperty('problem');
  });

  it('bounds an aggregations range', () => {
    const now = new Date('2026-11-22T18:00:00Z');
    expect(
      aggregationRangeProblem({ from: '2026-11-02T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' }, now),
    ).toMatchObject({ parameter: 'from' });
    expect(aggregationRangeProblem({ from: '2025-01-01T00:00:00.000Z' }, now)).toMatchObject({
      parameter: 'from',
    });
    expect(aggregationRangeProblem({ city: 'NYC', from: '2020-01-01T00:00:00.000Z' }, now)).toBeUndefined();
    expect(aggregationRangeProblem({ from: '2026-01-01T00:00:00.000Z' }, now)).toBeUndefined();
  });
});
