import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type RunningApi } from '../../src/api/server.js';
import { DEFAULT_CITIES, EVENT_TYPES } from '../../src/events/event.js';
import { parseEvent } from '../../src/events/event-schema.js';
import { EventGenerator, steppedClock, type GeneratedMessage } from '../../src/events/generator.js';
import { Prng } from '../../src/events/prng.js';
import { ProcessorMetrics } from '../../src/processor/metrics.js';
import { startPipelineProcessor } from '../../src/processor/start-processor.js';
import { hasKcat } from '../support/kafka.js';
import { runCli } from '../support/cli.js';
import {
  computeGroundTruth,
  expectedAlerts,
  expectedCities,
  expectedEvents,
  expectedStats,
  expectedSummary,
  expectedWindows,
  type ConsumedMessage,
  type GroundTruth,
  type GroundTruthSettings,
} from '../support/oracles/ground-truth.js';
import {
  produceWithKcat,
  readTopic,
  startPipelineStack,
  waitForZeroLag,
  type PipelineStack,
} from './pipeline-stack.js';

/**
 * Duplicates, as a user without an idempotent producer makes them: a seeded stream (out-of-order, late
 * and malformed messages included) is produced twice over with `kcat -P`; once the processor has caught
 * up, copies of some events re-keyed to other cities (conflicting: other content) and identical copies
 * under other keys (other partitions) follow. Every query (CLI) and endpoint (REST) must equal the oracle
 * computed on the unique events, and the DLQ must hold each conflicting copy exactly once.
 */
const COUNT = 2000;
let stack: PipelineStack;
let api: RunningApi;
let stopProcessor: () => Promise<void>;
let metrics: ProcessorMetrics;
let truth: GroundTruth;
let unique: GroundTruth;
let settings: GroundTruthSettings;
let dlq: Awaited<ReturnType<typeof readTopic>>;
let rekeyed = 0;
let copiesElsewhere = 0;

const kcatAvailable = await hasKcat();

const key = (m: ConsumedMessage) => `${m.partition}|${String(m.offset)}`;

beforeAll(async () => {
  if (!kcatAvailable) return;
  stack = await startPipelineStack({ partitions: 6 });
  const { config } = stack;
  metrics = new ProcessorMetrics();
  const running = await startPipelineProcessor(config, { sink: 'dynamodb', metrics });
  stopProcessor = running.stop;
  api = await startApi({ client: stack.client, config, host: '127.0.0.1', port: 0 });

  const generator = new EventGenerator({
    seed: 'duplicates',
    clock: steppedClock(Date.now() - 5 * 3_600_000, 3_000),
    severityMix: 'realistic',
    lateFraction: 0.06,
    maxLatenessMs: 30 * 60_000,
    invalidFraction: 0.03,
  });
  // kcat -K reads one message per line: malformations that hold a tab or newline are left out.
  const stream = generator.take(COUNT).filter((m) => !/[\t\n]/.test(m.value) && m.value !== '');
  const bootstrap = config.brokers[0]!;
  await produceWithKcat(bootstrap, config.topic, stream);
  await produceWithKcat(bootstrap, config.topic, stream);
  await waitForZeroLag(stack.kafka, config.group, config.topic);
  const first = await readTopic(stack.kafka, config.topic);
  expect(first).toHaveLength(2 * stream.length);

  // The winners are stored: now copies that another partition may receive.
  const random = new Prng('copies');
  const copies: Array<{ key: string; value: string }> = [];
  for (const m of stream as GeneratedMessage[]) {
    if (m.kind === 'invalid') continue;
    const r = random.next();
    if (r < 0.05) {
      const city = DEFAULT_CITIES.filter((c) => c !== m.event.city)[Math.floor(random.next() * 5)]!;
      copies.push({ key: city, value: JSON.stringify({ ...JSON.parse(m.value), city }) });
      rekeyed += 1;
    } else if (r < 0.08) {
      copies.push({ key: `retry-${copies.length}`, value: m.value });
      copiesElsewhere += 1;
    }
  }
  await produceWithKcat(bootstrap, config.topic, copies);
  await waitForZeroLag(stack.kafka, config.group, config.topic);
  const all = await readTopic(stack.kafka, config.topic);
  expect(all).toHaveLength(first.length + copies.length);

  settings = {
    windowMinutes: config.windowMinutes,
    watermarkMinutes: config.watermarkMinutes,
    alertSeverities: config.alertSeverities,
    ttlDays: config.ttlDays,
    now: Date.now(),
  };
  // The oracle's winner is the first copy in input order: the first phase's messages, then the rest.
  const seen = new Set(first.map(key));
  const ordered = [...first, ...all.filter((m) => !seen.has(key(m)))];
  truth = computeGroundTruth(ordered, settings);
  // The unique events alone: the first message of each event_id, nothing de-duplicated.
  const ids = new Set<string>();
  const firsts = ordered.filter((m) => {
    const parsed = parseEvent(m.value, { now: settings.now });
    if (!parsed.ok) return true;
    if (ids.has(parsed.event.event_id)) return false;
    ids.add(parsed.event.event_id);
    return true;
  });
  unique = computeGroundTruth(firsts, { ...settings, dedupe: false });
  dlq = await readTopic(stack.kafka, config.dlqTopic);
}, 300_000);

afterAll(async () => {
  await api?.close();
  await stopProcessor?.();
  await stack?.stop();
});

const cli = async (...args: string[]) => {
  const result = await runCli([
    '--json',
    '--endpoint',
    stack.dynamoEndpoint,
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

describe.skipIf(!kcatAvailable)('duplicates end to end (kcat twice over, re-keyed copies)', () => {
  it('the stream holds identical and conflicting copies; the processor dropped and counted them', async () => {
    expect(truth.counts.valid).toBe(unique.counts.valid);
    expect(truth.counts.duplicates).toBe(unique.counts.valid + copiesElsewhere);
    expect(truth.counts.conflicting).toBe(rekeyed);
    expect(rekeyed).toBeGreaterThan(30);
    expect(copiesElsewhere).toBeGreaterThan(20);
    expect(truth.counts.late).toBeGreaterThan(10);
    const text = await metrics.registry.getSingleMetricAsString('citystream_duplicates_total');
    expect(text).toContain(`citystream_duplicates_total{kind="identical"} ${truth.counts.duplicates}`);
    expect(text).toContain(`citystream_duplicates_total{kind="conflicting"} ${truth.counts.conflicting}`);
  });

  it('the DLQ holds the malformed and late messages and each conflicting copy once, with its reason', () => {
    const got = dlq
      .map((m) => ({
        partition: Number(m.headers['source-partition']),
        offset: m.headers['source-offset'],
        key: m.key,
        value: m.value,
        reason: m.headers.reason,
      }))
      .sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
    const tally = (list: Array<{ reason: string | null | undefined }>) =>
      list.reduce<Record<string, number>>(
        (t, d) => ({ ...t, [String(d.reason)]: (t[String(d.reason)] ?? 0) + 1 }),
        {},
      );
    expect(tally(got)).toEqual(tally(truth.dlq));
    expect(got).toEqual(truth.dlq);
    expect(got.filter((d) => d.reason === 'conflicting_duplicate')).toHaveLength(rekeyed);
    // Each points at the winning delivery.
    for (const m of dlq.filter((d) => d.headers.reason === 'conflicting_duplicate'))
      expect(m.headers['duplicate-of']).toMatch(/^city-events\/\d+\/\d+$/);
  });

  it('stats, cities and summary equal the unique events (CLI and REST)', async () => {
    const stats = expectedStats(truth, settings);
    expect(stats).toEqual(expectedStats(unique, settings));
    expect(stats.total_events).toBe(unique.counts.valid);
    expect(await cli('stats')).toMatchObject(stats);
    expect(await rest('/stats')).toMatchObject(stats);
    const cities = expectedCities(truth, settings);
    expect(cities).toEqual(expectedCities(unique, settings));
    expect(await cli('cities')).toEqual(cities);
    expect(await rest('/cities')).toEqual(cities);
    for (const city of Object.keys(stats.by_city)) {
      const summary = expectedSummary(truth, settings, city);
      expect(summary).toEqual(expectedSummary(unique, settings, city));
      expect(await cli('summary', city)).toMatchObject(summary);
      expect(await rest(`/summary/${encodeURIComponent(city)}`)).toMatchObject(summary);
    }
  });

  it('events and alerts equal the unique events (CLI and REST)', async () => {
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
    expect(truth.raw).toEqual(unique.raw);
    expect(truth.alerts).toEqual(unique.alerts);
    for (const city of ['LA', 'Seattle']) {
      const want = expectedEvents(truth, settings, { city, limit: 100 }).map((e) => strip({ ...e }));
      expect(items(await cli('events', city, '--limit', '100'))).toEqual(want);
      expect(items(await rest(`/events/${city}?limit=100`))).toEqual(want);
    }
    const allAlerts = expectedAlerts(truth, settings, { hours: 24, limit: 1000 }).map((a) => strip({ ...a }));
    expect(allAlerts.length).toBeGreaterThan(50);
    // Alerts come in pages of 100 by default: the CLI reads every page, the API is asked for all at once.
    expect(items(await cli('alerts', '--hours', '24', '--all'))).toEqual(allAlerts);
    expect(items(await rest('/alerts?hours=24&limit=1000'))).toEqual(allAlerts);
  });

  it('aggregation windows count each event once (CLI and REST)', async () => {
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
    const counts = ({ final: _final, ...rest }: ReturnType<typeof shape>) => rest;
    const items = (doc: unknown) => (doc as { items: Array<Record<string, unknown>> }).items.map(shape);
    for (const type of EVENT_TYPES) {
      const want = expectedWindows(truth, { city: 'LA', type, limit: 1000 }).map((w) => shape({ ...w }));
      expect(want.length).toBeGreaterThan(5);
      // Copies may move a watermark (and so finality), never a count.
      expect(want.map(counts)).toEqual(
        expectedWindows(unique, { city: 'LA', type, limit: 1000 }).map((w) => counts(shape({ ...w }))),
      );
      expect(items(await cli('aggregations', '--city', 'LA', '--type', type, '--limit', '1000'))).toEqual(
        want,
      );
      expect(items(await rest(`/aggregations?city=LA&event_type=${type}&limit=1000`))).toEqual(want);
    }
    const total = truth.windows.reduce((n, w) => n + w.event_count, 0);
    expect(total).toBe(unique.counts.valid - unique.counts.late);
  });
});
