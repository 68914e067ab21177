import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../src/clients/kafka.js';
import { EVENT_TYPES } from '../../src/events/event.js';
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
} from '../support/oracles/ground-truth.js';
import { runCli, type CliResult } from '../support/cli.js';
import { waitFor } from '../support/wait-for.js';
import { readTopic, waitForZeroLag } from './pipeline-stack.js';

/**
 * The whole pipeline, end to end, through the CLI: `citystream up --no-producer` (broker, DynamoDB,
 * tables, API, processor) runs in-process; `citystream produce --seed --count` sends a known stream with
 * out-of-order, late and malformed messages; once the processor's group has no lag, every `query`
 * subcommand and REST endpoint must answer exactly what the ground truth computes from the messages as
 * the broker stored them, and the dead-letter topic must hold exactly the malformed and late ones.
 */
const COUNT = 4000;
const ports = { broker: 0, dynamo: 0, api: 0 };
let dir: string;
let kafka: Kafka;
let truth: GroundTruth;
let settings: GroundTruthSettings;
let dlq: Awaited<ReturnType<typeof readTopic>>;
let upController = new AbortController();
let up: Promise<CliResult> | undefined;

/** `citystream up --no-producer` in this process, on the test's ports and data directory. */
function startUp(): void {
  upController = new AbortController();
  up = runCli(
    [
      'up',
      '--no-producer',
      '--broker-port',
      String(ports.broker),
      '--dynamo-port',
      String(ports.dynamo),
      '--api-port',
      String(ports.api),
      '--data-dir',
      dir,
    ],
    { env: {}, cwd: dir, signal: upController.signal },
  );
}

async function stopUp(): Promise<CliResult | undefined> {
  upController.abort();
  return up;
}

async function waitForApi(): Promise<void> {
  const health = `http://127.0.0.1:${ports.api}/api/v1/health`;
  // Until `up` listens, fetch rejects: that is "not yet", not a failure.
  await waitFor('the API of `up`', async () => (await fetch(health).catch(() => undefined))?.ok, 60_000);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'citystream-e2e-'));
  const [broker, dynamo, api] = await freePorts(3);
  Object.assign(ports, { broker, dynamo, api });
  const brokers = `127.0.0.1:${ports.broker}`;
  startUp();
  await waitForApi();
  // 3 s of event time apart, starting 5 hours ago: alerts fall inside 24 h, none at a cutoff.
  const start = new Date(Date.now() - 5 * 3_600_000).toISOString();
  const produced = await runCli(
    [
      '--brokers',
      brokers,
      'produce',
      '--seed',
      '20261122',
      '--count',
      String(COUNT),
      '--rate',
      '0',
      '--start-time',
      start,
      '--time-step',
      '3s',
      '--late-fraction',
      '0.08',
      '--max-lateness',
      '30m',
      '--invalid-fraction',
      '0.04',
    ],
    { env: {}, cwd: dir },
  );
  expect(produced.code, produced.stderr).toBe(0);
  kafka = createKafka({ brokers: [brokers], clientId: 'e2e-test' });
  await waitForZeroLag(kafka, 'citystream-processor', 'city-events');
  const consumed = await readTopic(kafka, 'city-events');
  expect(consumed).toHaveLength(COUNT);
  settings = {
    windowMinutes: 5,
    watermarkMinutes: 10,
    alertSeverities: ['high', 'critical'],
    ttlDays: 30,
    now: Date.now(),
  };
  truth = computeGroundTruth(consumed, settings);
  dlq = await readTopic(kafka, 'city-events.dlq');
}, 180_000);

afterAll(async () => {
  const result = await stopUp();
  await rm(dir, { recursive: true, force: true });
  expect(result?.code, result?.stderr).toBe(0);
  expect(result?.stderr).toContain('stopped.');
});

const cli = async (...args: string[]) => {
  const result = await runCli(['--json', '--endpoint', `http://127.0.0.1:${ports.dynamo}`, 'query', ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as unknown;
};
const rest = async (path: string) => {
  const res = await fetch(`http://127.0.0.1:${ports.api}/api/v1${path}`);
  expect(res.status).toBe(200);
  return (await res.json()) as unknown;
};

/** Free ports for `up`, which takes fixed ones: listen on 0, note the port, close (a small race). */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, async () => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      return server;
    }),
  );
  const found = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return found;
}

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
    // Alerts come 100 to a page by default: every page (--all, more than 1000 here), or one page of 1000.
    const everyAlert = expectedAlerts(truth, settings, { hours: 24, limit: 1e9 }).map((a) => strip({ ...a }));
    expect(everyAlert.length).toBeGreaterThan(allAlerts.length);
    expect(items(await cli('alerts', '--hours', '24', '--all'))).toEqual(everyAlert);
    expect(items(await cli('alerts', '--hours', '24', '--limit', '1000'))).toEqual(allAlerts);
    expect(items(await rest('/alerts?hours=24&limit=1000'))).toEqual(allAlerts);
    expect(items(await rest('/alerts?hours=24'))).toEqual(allAlerts.slice(0, 100));
    const chicago = expectedAlerts(truth, settings, { city: 'Chicago', hours: 24, limit: 1000 }).map((a) =>
      strip({ ...a }),
    );
    const everyChicago = expectedAlerts(truth, settings, { city: 'Chicago', hours: 24, limit: 1e9 }).map(
      (a) => strip({ ...a }),
    );
    expect(items(await cli('alerts', '--city', 'Chicago', '--hours', '24', '--all'))).toEqual(everyChicago);
    expect(items(await rest('/alerts?city=Chicago&hours=24&limit=1000'))).toEqual(chicago);
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

  it('Ctrl-C stops `up` without losing data, and `up` again resumes where it was', async () => {
    const stopped = await stopUp();
    expect(stopped?.code, stopped?.stderr).toBe(0);
    startUp();
    await waitForApi();
    expect(await rest('/stats')).toMatchObject({ total_events: truth.counts.valid });
    // More events after the restart: the processor resumes from its committed offsets, counting each once.
    const more = await runCli(
      [
        '--brokers',
        `127.0.0.1:${ports.broker}`,
        'produce',
        '--seed',
        '7',
        '--count',
        '300',
        '--rate',
        '0',
        '--start-time',
        new Date(Date.now() - 3_600_000).toISOString(),
        '--time-step',
        '1s',
      ],
      { env: {}, cwd: dir },
    );
    expect(more.code, more.stderr).toBe(0);
    await waitForZeroLag(kafka, 'citystream-processor', 'city-events');
    const all = computeGroundTruth(await readTopic(kafka, 'city-events'), { ...settings, now: Date.now() });
    expect(all.counts.valid).toBe(truth.counts.valid + 300);
    expect(await cli('stats')).toMatchObject(expectedStats(all, { ...settings, now: Date.now() }));
  });
});
