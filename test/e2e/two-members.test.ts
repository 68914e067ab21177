import { AssignerProtocol } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CityEvent } from '../../src/events/event.js';
import { isClaimItem } from '../../src/store/claim-writer.js';
import { tableNames } from '../../src/store/table-definitions.js';
import { runCli } from '../support/cli.js';
import { waitFor } from '../support/wait-for.js';
import {
  computeGroundTruth,
  expectedCities,
  expectedStats,
  type ConsumedMessage,
} from '../support/oracles/ground-truth.js';
import {
  readTopic,
  scanAll,
  startPipelineStack,
  waitForZeroLag,
  type PipelineStack,
} from './pipeline-stack.js';
import { children, kill, startChild } from './processor-children.js';

/**
 * Two processor processes share a topic of two partitions, one partition each. Every event is sent
 * twice at the same moment, one copy to each partition, so the two members race for every claim:
 * half the pairs are identical copies, half conflicting (another city). Each event_id must count once,
 * whichever member won it; the loser of each conflicting pair is in the DLQ, the winner in the tables.
 */
const PAIRS = 400;
// Long enough that the loaded test machine does not drop a member mid-test.
const SESSION_MS = 30_000;
let stack: PipelineStack;

beforeAll(async () => {
  stack = await startPipelineStack({ partitions: 2 });
}, 60_000);

afterAll(async () => {
  await Promise.all([...children].map(kill));
  await stack?.stop();
});

/** partition → member id, once both members hold one partition each. */
async function assignments(): Promise<Map<number, string> | undefined> {
  const admin = stack.kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([stack.config.group]);
    const owners = new Map<number, string>();
    for (const member of groups[0]?.members ?? []) {
      const assignment = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
      for (const p of assignment?.assignment[stack.config.topic] ?? []) owners.set(p, member.memberId);
    }
    return groups[0]?.state === 'Stable' && new Set(owners.values()).size === 2 ? owners : undefined;
  } finally {
    await admin.disconnect();
  }
}

describe('two processor processes, duplicate pairs split across them', () => {
  it('each event_id counts once, whichever member claimed it', async () => {
    const { config } = stack;
    await Promise.all([startChild(config, SESSION_MS), startChild(config, SESSION_MS)]);
    const owners = await waitFor('both members to hold a partition', assignments, 60_000, 200);
    expect(owners.get(0)).not.toBe(owners.get(1));

    const t0 = Date.now() - 2 * 3_600_000;
    const cities = ['NYC', 'LA', 'Chicago', 'SF', 'Boston', 'Seattle'];
    const events: CityEvent[] = Array.from({ length: PAIRS }, (_, i) => ({
      event_id: `pair-${i}`,
      event_type: 'traffic',
      city: cities[i % cities.length]!,
      severity: i % 5 === 0 ? 'critical' : 'low',
      timestamp: new Date(t0 + i * 2_000).toISOString(),
      description: `event ${i}`,
    }));
    const producer = stack.kafka.producer();
    await producer.connect();
    try {
      // 50 pairs at a time, one send per partition. Which partition's copies go first alternates, and
      // the second copies are sent only once the first have been processed, so each member claims half
      // of the events first and meets the other half as copies (a race left to the scheduler can be won
      // by one member every time on a loaded machine).
      const other = (e: CityEvent, k: number) =>
        k % 2 === 0 ? e : { ...e, city: cities[(cities.indexOf(e.city) + 1) % cities.length]! };
      for (let i = 0; i < PAIRS; i += 50) {
        const slice = events.slice(i, i + 50);
        const copies = [
          slice.map((e) => ({ partition: 0, key: e.city, value: JSON.stringify(e) })),
          slice.map((e, j) => ({ partition: 1, key: e.city, value: JSON.stringify(other(e, i + j)) })),
        ];
        const first = (i / 50) % 2;
        await producer.send({ topic: config.topic, acks: -1, messages: copies[first]! });
        await waitForZeroLag(stack.kafka, config.group, config.topic, 300_000);
        await producer.send({ topic: config.topic, acks: -1, messages: copies[1 - first]! });
      }
    } finally {
      await producer.disconnect();
    }
    await waitForZeroLag(stack.kafka, config.group, config.topic, 300_000);
    // Still two members with a partition each: the pairs really were split across two processes.
    expect((await assignments())?.size).toBe(2);

    const tables = tableNames(config.prefix);
    const items = await scanAll(stack.client, tables.rawEvents);
    const raw = items.filter((i) => !isClaimItem(i));
    const claims = new Map(
      items.filter(isClaimItem).map((c) => [String(c.event_id).slice('dedupe#'.length), String(c.d)]),
    );
    expect(raw.map((r) => r.event_id).sort()).toEqual(events.map((e) => e.event_id).sort());
    expect(claims.size).toBe(PAIRS);

    // The oracle, with each pair's winner as the claims table records it.
    const consumed = await readTopic(stack.kafka, config.topic);
    expect(consumed).toHaveLength(2 * PAIRS);
    const delivery = (m: ConsumedMessage) => `${config.topic}/${m.partition}/${String(m.offset)}`;
    const idOf = (m: ConsumedMessage) => (JSON.parse(String(m.value)) as CityEvent).event_id;
    const won = consumed.filter((m) => claims.get(idOf(m)) === delivery(m));
    expect(won).toHaveLength(PAIRS);
    const wins = [0, 1].map((p) => won.filter((m) => m.partition === p).length);
    // Both members won claims: the race was real in both directions.
    expect(wins[0], `claims won by partition 0 / 1: ${wins.join(' / ')}`).toBeGreaterThan(0);
    expect(wins[1], `claims won by partition 0 / 1: ${wins.join(' / ')}`).toBeGreaterThan(0);
    const ordered = [...won, ...consumed.filter((m) => !won.includes(m))];
    const settings = {
      windowMinutes: config.windowMinutes,
      watermarkMinutes: config.watermarkMinutes,
      alertSeverities: config.alertSeverities,
      ttlDays: config.ttlDays,
      now: Date.now(),
    };
    const truth = computeGroundTruth(ordered, settings);
    expect(truth.counts).toMatchObject({ valid: PAIRS, duplicates: PAIRS / 2, conflicting: PAIRS / 2 });
    // The raw items hold the winners' content (first stored wins).
    const byId = new Map(raw.map((r) => [r.event_id, r.city]));
    for (const r of truth.raw) expect(byId.get(r.event_id), r.event_id).toBe(r.city);

    const dlq = await readTopic(stack.kafka, config.dlqTopic);
    const sent = dlq
      .map((m) => ({
        partition: Number(m.headers['source-partition']),
        offset: m.headers['source-offset'],
        key: m.key,
        value: m.value,
        reason: m.headers.reason,
      }))
      .sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
    expect(sent).toEqual(truth.dlq);

    const query = async (...args: string[]) => {
      const result = await runCli([
        '--json',
        '--endpoint',
        stack.dynamoEndpoint,
        '--prefix',
        config.prefix,
        'query',
        ...args,
      ]);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as unknown;
    };
    const stats = expectedStats(truth, settings);
    expect(stats.total_events).toBe(PAIRS);
    expect(await query('stats')).toMatchObject(stats);
    expect(await query('cities')).toEqual(expectedCities(truth, settings));
  }, 400_000);
});
