import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/settings.js';
import { EventGenerator, steppedClock } from '../../src/events/generator.js';
import { computeGroundTruth, type GroundTruth } from '../support/oracles/ground-truth.js';
import { Prng } from '../../src/events/prng.js';
import { tableNames } from '../../src/store/table-definitions.js';
import { isClaimItem } from '../../src/store/claim-writer.js';
import { parseEvent } from '../../src/events/event-schema.js';
import {
  readTopic,
  scanAll,
  sendAll,
  startPipelineStack,
  waitForZeroLag,
  type PipelineStack,
} from './pipeline-stack.js';
import { children, kill, startChild as startChildProcess } from './processor-children.js';

const startChild = (config: Config) => startChildProcess(config, SESSION_MS);

/**
 * Exactness under SIGKILL. The processor runs as child processes against a broker in this process and dynalite in its own
 * (as `up` runs it). A 50 000-event stream (out-of-order, late and malformed messages included) is consumed while
 * the processor is killed with SIGKILL at seeded random moments and restarted each time; then a second
 * member joins, one of the two is killed and not restarted, and the survivor takes over its partitions.
 * 10% of the messages are copies of an earlier event sent again shortly after (as a producer retry
 * would, so in the same partition), one in five with other content (a conflicting copy).
 * At the end every window (counts and finality), rollup, raw event, claim and alert equals the ground
 * truth, which counts each event_id once.
 */
const EVENTS = Number(process.env.CITYSTREAM_CRASH_EVENTS ?? 50_000);
const SESSION_MS = 6_000;

const DUPLICATE_FRACTION = 0.1;
let stack: PipelineStack;
let truth: GroundTruth;
let total = 0;
let consumed: Awaited<ReturnType<typeof readTopic>>;

/** The stream with copies mixed in: after a message, now and then a copy of one of the last 200. */
function withCopies(messages: Array<{ key: string; value: string }>, random: Prng) {
  const out: Array<{ key: string; value: string }> = [];
  for (const m of messages) {
    out.push(m);
    if (random.next() >= DUPLICATE_FRACTION / (1 - DUPLICATE_FRACTION)) continue;
    const source = out[Math.max(0, out.length - 1 - Math.floor(random.next() * 200))]!;
    const parsed = parseEvent(source.value);
    if (!parsed.ok) continue;
    const value =
      random.next() < 0.2
        ? JSON.stringify({ ...parsed.event, description: 'sent again, edited' })
        : source.value;
    out.push({ key: source.key, value });
  }
  return out;
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
  const messages = withCopies(generator.take(EVENTS), new Prng('copies'));
  total = messages.length;
  await sendAll(stack.kafka, stack.config.topic, messages);
  consumed = await readTopic(stack.kafka, stack.config.topic);
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
      expect(await committedTotal(config)).toBeLessThan(total); // killed mid-stream
    }
    // Phase 2: two members share the partitions; one is killed for good, the other takes over.
    const a = await startChild(config);
    const b = await startChild(config);
    await new Promise((r) => setTimeout(r, 2_000 + random.next() * 3_000));
    await kill(random.next() < 0.5 ? a : b);
    // One claim request per event on top of the batched writes: dynalite on a shared machine needs time.
    await waitForZeroLag(stack.kafka, config.group, config.topic, 1_500_000);
    await Promise.all([...children].map(kill));

    const tables = tableNames(config.prefix);
    const [rawAndClaims, alerts, windows, rollups] = await Promise.all([
      scanAll(stack.client, tables.rawEvents),
      scanAll(stack.client, tables.alerts),
      scanAll(stack.client, tables.aggregations),
      scanAll(stack.client, tables.rollups),
    ]);
    const raw = rawAndClaims.filter((item) => !isClaimItem(item));
    const claims = rawAndClaims.filter(isClaimItem);
    expect(truth.counts.late).toBeGreaterThan(100);
    expect(truth.counts.duplicates).toBeGreaterThan(EVENTS * DUPLICATE_FRACTION * 0.6);
    expect(truth.counts.conflicting).toBeGreaterThan(EVENTS * DUPLICATE_FRACTION * 0.15);
    expect(raw.length).toBe(truth.raw.length);
    // Every claim names the first copy of its event: the lowest offset of the event_id in its partition.
    const winners = new Map<string, string>();
    for (const m of consumed) {
      const parsed = parseEvent(m.value, { now: Date.now() });
      if (parsed.ok && !winners.has(parsed.event.event_id))
        winners.set(parsed.event.event_id, `${config.topic}/${m.partition}/${m.offset}`);
    }
    expect(claims.length).toBe(truth.raw.length);
    expect(new Map(claims.map((c) => [String(c.event_id).slice('dedupe#'.length), c.d]))).toEqual(winners);
    expect(new Set(raw.map((r) => r.event_id))).toEqual(new Set(truth.raw.map((r) => r.event_id)));
    // First stored wins: no raw item carries a conflicting copy's content.
    const descriptions = new Map(truth.raw.map((r) => [r.event_id, r.description]));
    expect(raw.filter((r) => r.description !== descriptions.get(String(r.event_id)))).toEqual([]);
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
  }, 1_800_000);
});
