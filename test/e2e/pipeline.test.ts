import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type RunningApi } from '../../src/pipeline/api/server.js';
import { EVENT_TYPES } from '../../src/pipeline/event.js';
import { EventGenerator, steppedClock } from '../../src/pipeline/generator.js';
import {
  computeGroundTruth,
  expectedAlerts,
  expectedCities,
  expectedEvents,
  expectedStats,
  expectedSummary,
  expectedWindows,
  type GroundTruth,
  type GroundTruthSettings,
} from '../../src/pipeline/ground-truth.js';
import { startPipelineProcessor } from '../../src/pipeline/processor/run-process.js';
import { runCli } from '../support/cli.js';
import {
  readTopic,
  sendAll,
  startPipelineStack,
  waitForZeroLag,
  type PipelineStack,
} from './pipeline-stack.js';

/**
 * The whole pipeline, end to end: a known seeded stream with out-of-order, late and malformed messages is
 * produced to the embedded broker, the processor consumes it into dynalite, and every query subcommand and
 * REST endpoint must answer exactly what the ground truth computes from the messages as the broker stored
 * them; the dead-letter topic must hold exactly the malformed and late ones.
 */
const COUNT = 4000;
let stack: PipelineStack;
let api: RunningApi;
let truth: GroundTruth;
let settings: GroundTruthSettings;
let dlq: Awaited<ReturnType<typeof readTopic>>;

beforeAll(async () => {
  stack = await startPipelineStack({ partitions: 3 });
  const now = Date.now();
  // Events from 5 hours ago onwards, 3 s apart (about 3.3 hours): alerts fall inside 24 h, none at a cutoff.
  const generator = new EventGenerator({
    seed: 20261122,
    clock: steppedClock(now - 5 * 3_600_000, 3_000),
    lateFraction: 0.08,
    maxLatenessMs: 30 * 60_000,
    invalidFraction: 0.04,
  });
  await sendAll(stack.kafka, stack.config.topic, generator.take(COUNT));
  const running = await startPipelineProcessor(stack.config, { sink: 'dynamodb' });
  try {
    await waitForZeroLag(stack.kafka, stack.config.group, stack.config.topic);
  } finally {
    await running.stop();
  }
  const consumed = await readTopic(stack.kafka, stack.config.topic);
  expect(consumed).toHaveLength(COUNT);
  settings = {
    windowMinutes: stack.config.windowMinutes,
    watermarkMinutes: stack.config.watermarkMinutes,
    alertSeverities: stack.config.alertSeverities,
    ttlDays: stack.config.ttlDays,
    now: Date.now(),
  };
  truth = computeGroundTruth(consumed, settings);
  dlq = await readTopic(stack.kafka, stack.config.dlqTopic);
  api = await startApi({ client: stack.client, config: stack.config, host: '127.0.0.1', port: 0 });
}, 180_000);

afterAll(async () => {
  await api?.close();
  await stack?.stop();
});

const cli = async (...args: string[]) => {
  const result = await runCli([
    '--json',
    '--endpoint',
    stack.config.endpoint!,
    '--prefix',
    stack.config.prefix,
    'query',
    ...args,
  ]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as unknown;
};
const rest = async (path: string) => {
  const res = await fetch(`${api.url}/api/v1${path}`);
  expect(res.status).toBe(200);
  return (await res.json()) as unknown;
};

describe('pipeline end to end', () => {
  it('the stream exercises every path: out of order, late, malformed', () => {
    expect(truth.counts.late).toBeGreaterThan(20);
    expect(truth.counts.invalid).toBeGreaterThan(20);
    expect(truth.counts.valid).toBe(COUNT - truth.counts.invalid);
  });

  it('the dead-letter topic holds exactly the malformed and late messages, with their reasons', () => {
    const got = dlq
      .map((m) => ({
        partition: Number(m.headers['source-partition']),
        offset: m.headers['source-offset'],
        key: m.key,
        value: m.value,
        reason: m.headers.reason,
      }))
      .sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
    expect(got).toEqual(truth.dlq);
  });

  it('stats, cities and summary equal the ground truth (CLI and REST)', async () => {
    const stats = expectedStats(truth, settings);
    expect(await cli('stats')).toMatchObject(stats);
    expect(await rest('/stats')).toMatchObject(stats);
    const cities = expectedCities(truth, settings);
    expect(await cli('cities')).toEqual(cities);
    expect(await rest('/cities')).toEqual(cities);
    for (const city of Object.keys(stats.by_city)) {
      const summary = expectedSummary(truth, settings, city);
      expect(await cli('summary', city)).toMatchObject(summary);
      expect(await rest(`/summary/${encodeURIComponent(city)}`)).toMatchObject(summary);
    }
  });

  it('events and alerts equal the ground truth (CLI and REST)', async () => {
    const strip = (e: Record<string, unknown>) => ({
      event_id: e.event_id,
      city: e.city,
      event_type: e.event_type,
      severity: e.severity,
      timestamp: e.timestamp,
      description: e.description,
    });
    const items = (doc: unknown) =>
      ((doc as { items: Array<Record<string, unknown>> }).items ?? []).map(strip);
    for (const city of ['NYC', 'Chicago']) {
      const want = expectedEvents(truth, settings, { city, limit: 50 }).map((e) => strip({ ...e }));
      expect(items(await cli('events', city, '--limit', '50'))).toEqual(want);
      expect(items(await rest(`/events/${city}?limit=50`))).toEqual(want);
    }
    const allAlerts = expectedAlerts(truth, settings, { hours: 24, limit: 1000 }).map((a) => strip({ ...a }));
    expect(allAlerts.length).toBeGreaterThan(100);
    expect(items(await cli('alerts', '--hours', '24'))).toEqual(allAlerts);
    expect(items(await rest('/alerts?hours=24'))).toEqual(allAlerts);
    const chicago = expectedAlerts(truth, settings, { city: 'Chicago', hours: 24, limit: 1000 }).map((a) =>
      strip({ ...a }),
    );
    expect(items(await cli('alerts', '--city', 'Chicago', '--hours', '24'))).toEqual(chicago);
    expect(items(await rest('/alerts?city=Chicago&hours=24'))).toEqual(chicago);
  });

  it('aggregation windows equal the ground truth, final flags included (CLI and REST)', async () => {
    const shape = (w: Record<string, unknown>) => ({
      city: w.city,
      event_type: w.event_type,
      window_start: w.window_start,
      window_end: w.window_end,
      event_count: w.event_count,
      low: w.low,
      medium: w.medium,
      high: w.high,
      critical: w.critical,
      final: w.final,
    });
    const items = (doc: unknown) => (doc as { items: Array<Record<string, unknown>> }).items.map(shape);
    for (const type of EVENT_TYPES) {
      const want = expectedWindows(truth, { city: 'NYC', type, limit: 1000 }).map((w) => shape({ ...w }));
      expect(want.length).toBeGreaterThan(10);
      expect(items(await cli('aggregations', '--city', 'NYC', '--type', type, '--limit', '1000'))).toEqual(
        want,
      );
      expect(items(await rest(`/aggregations?city=NYC&event_type=${type}&limit=1000`))).toEqual(want);
    }
    const latest = expectedWindows(truth, { limit: 30 }).map((w) => shape({ ...w }));
    expect(items(await cli('aggregations', '--limit', '30'))).toEqual(latest);
    expect(items(await rest('/aggregations?limit=30'))).toEqual(latest);
    const total = truth.windows.reduce((n, w) => n + w.event_count, 0);
    expect(total).toBe(truth.counts.valid - truth.counts.late);
  });
});
