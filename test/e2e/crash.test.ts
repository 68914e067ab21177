import { spawn, type ChildProcess } from 'node:child_process';
import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/settings.js';
import { EventGenerator, steppedClock } from '../../src/events/generator.js';
import { computeGroundTruth, type GroundTruth } from '../support/oracles/ground-truth.js';
import { Prng } from '../../src/events/prng.js';
import { tableNames } from '../../src/store/table-definitions.js';
import {
  readTopic,
  sendAll,
  startPipelineStack,
  waitForZeroLag,
  type PipelineStack,
} from './pipeline-stack.js';

/**
 * Exactness under SIGKILL. The processor runs as child processes against a broker in this process and dynalite in its own
 * (as `up` runs it). A 50 000-event stream (out-of-order, late and malformed messages included) is consumed while
 * the processor is killed with SIGKILL at seeded random moments and restarted each time; then a second
 * member joins, one of the two is killed and not restarted, and the survivor takes over its partitions.
 * At the end every window (counts and finality), rollup, raw event and alert equals the ground truth.
 */
const EVENTS = Number(process.env.CITYSTREAM_CRASH_EVENTS ?? 50_000);
const SESSION_MS = 6_000;
const CHILD = new URL('./fixtures/processor-child.ts', import.meta.url).pathname;

let stack: PipelineStack;
let truth: GroundTruth;
const children = new Set<ChildProcess>();

function startChild(config: Config): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CHILD, JSON.stringify({ config, sessionTimeoutMs: SESSION_MS })],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  child.on('exit', () => children.delete(child));
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      if (c.toString().includes('ready')) resolve(child);
    });
    child.once('exit', (code) =>
      reject(new Error(`processor child exited (${code}) before ready: ${stderr}`)),
    );
  });
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

async function committedTotal(config: Config): Promise<number> {
  const admin = stack.kafka.admin();
  await admin.connect();
  try {
    const [topic] = await admin.fetchOffsets({ groupId: config.group, topics: [config.topic] });
    return (topic?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

async function scanAll(client: DynamoDBClient, table: string): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, never> | undefined;
  do {
    // A test may Scan: it checks the whole table against the ground truth, independently of the read side.
    const page = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) items.push(unmarshall(item));
    start = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (start);
  return items;
}

beforeAll(async () => {
  stack = await startPipelineStack({ partitions: 6 });
  // Only critical events raise alerts here: the same code path, a fifth of the alert writes, because
  // dynalite's write rate is what bounds this test's wall time.
  stack.config = { ...stack.config, alertSeverities: ['critical'] };
  const generator = new EventGenerator({
    seed: 'crash',
    clock: steppedClock(Date.now() - 3 * 3_600_000, 100), // 10 events/s of event time
    severityMix: 'realistic',
    lateFraction: 0.03,
    maxLatenessMs: 30 * 60_000,
    invalidFraction: 0.01,
  });
  await sendAll(stack.kafka, stack.config.topic, generator.take(EVENTS));
  const consumed = await readTopic(stack.kafka, stack.config.topic);
  truth = computeGroundTruth(consumed, {
    windowMinutes: stack.config.windowMinutes,
    watermarkMinutes: stack.config.watermarkMinutes,
    alertSeverities: stack.config.alertSeverities,
    ttlDays: stack.config.ttlDays,
    now: Date.now(),
  });
}, 120_000);

afterAll(async () => {
  await Promise.all([...children].map(kill));
  await stack?.stop();
});

describe('processor crash', () => {
  it('SIGKILLed at random points, restarted, and with a second member killed: tables equal the ground truth', async () => {
    const random = new Prng('kill points');
    const { config } = stack;
    // Phase 1: one member, killed and restarted three times.
    for (let i = 0; i < 3; i++) {
      const child = await startChild(config);
      await new Promise((r) => setTimeout(r, 1_500 + random.next() * 3_000));
      await kill(child);
      expect(await committedTotal(config)).toBeLessThan(EVENTS); // killed mid-stream
    }
    // Phase 2: two members share the partitions; one is killed for good, the other takes over.
    const a = await startChild(config);
    const b = await startChild(config);
    await new Promise((r) => setTimeout(r, 2_000 + random.next() * 3_000));
    await kill(random.next() < 0.5 ? a : b);
    await waitForZeroLag(stack.kafka, config.group, config.topic, 540_000);
    await Promise.all([...children].map(kill));

    const tables = tableNames(config.prefix);
    const [raw, alerts, windows, rollups] = await Promise.all([
      scanAll(stack.client, tables.rawEvents),
      scanAll(stack.client, tables.alerts),
      scanAll(stack.client, tables.aggregations),
      scanAll(stack.client, tables.rollups),
    ]);
    expect(truth.counts.late).toBeGreaterThan(100);
    expect(raw.length).toBe(truth.raw.length);
    expect(new Set(raw.map((r) => r.event_id))).toEqual(new Set(truth.raw.map((r) => r.event_id)));
    expect(alerts.length).toBe(truth.alerts.length);

    const windowOf = (w: Record<string, unknown>) =>
      [w.agg_key, w.window_start, w.event_count, w.low, w.medium, w.high, w.critical, w.final].join('|');
    const gotWindows = windows.map(windowOf).sort();
    const wantWindows = truth.windows.map((w) => windowOf({ ...w })).sort();
    // Windows that only late events touched exist as zero-count items; they are no window.
    expect(gotWindows.filter((w) => !w.split('|')[2]!.startsWith('0'))).toEqual(wantWindows);

    const rollupOf = (r: Record<string, unknown>) => {
      const counts = Object.entries(r)
        .filter(([k]) => /^(event_count|alert_count|[tsc]_.*)$/.test(k) && r[k] !== 0)
        .sort(([a], [b]) => (a < b ? -1 : 1));
      return `${String(r.scope)}|${String(r.day)}|${JSON.stringify(counts)}`;
    };
    const wantRollups = truth.rollups.map((r) => {
      const flat: Record<string, unknown> = { scope: r.scope, day: r.day, event_count: r.event_count };
      if (r.alert_count) flat.alert_count = r.alert_count;
      for (const [t, n] of Object.entries(r.by_type)) if (n) flat[`t_${t}`] = n;
      for (const [s, n] of Object.entries(r.by_severity)) if (n) flat[`s_${s}`] = n;
      for (const [c, n] of Object.entries(r.by_city ?? {})) if (n) flat[`c_${c}`] = n;
      return rollupOf(flat);
    });
    expect(rollups.map(rollupOf).sort()).toEqual(wantRollups.sort());
  }, 600_000);
});
