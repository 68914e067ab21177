import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../../src/broker/broker.js';
import { waitFor } from '../../support/wait-for.js';

const TOPIC = 'shared';
const PARTITIONS = 6;
const GROUP = 'three-of-a-kind';
/** Below Kafka's 6 s minimum (lowered for this broker), so the killed member's partitions move quickly. */
const SESSION_TIMEOUT_MS = 4_000;
const MEMBER_FIXTURE = fileURLToPath(new URL('./fixtures/group-member.mjs', import.meta.url));

/** One fact in the order the test saw it: a member processed a message, or the broker took a commit. */
type Fact =
  | { kind: 'consumed'; member: string; partition: number; offset: number; seq: number }
  | { kind: 'committed'; member: string; partition: number; offset: number; seq: number };

describe('Broker > Group > kafkajs consumer group', () => {
  let dir: string;
  let broker: RunningBroker;
  let kafka: Kafka;
  const facts: Fact[] = [];
  let seq = 0;
  const record = (f: Omit<Fact, 'seq'>) => facts.push({ ...f, seq: seq++ } as Fact);
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'citystream-group-'));
    broker = await startBroker({
      dataDir: dir,
      host: '127.0.0.1',
      port: 0,
      groups: { minSessionTimeoutMs: 3_000 },
    });
    kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'group-test', logLevel: logLevel.NOTHING });
  });

  afterAll(async () => {
    // A failed run must not leave its child member running.
    for (const child of children) child.kill('SIGKILL');
    await broker?.close();
    await rm(dir, { recursive: true, force: true });
  });

  function inProcessMember(name: string): Consumer {
    const consumer = kafka.consumer({
      groupId: GROUP,
      sessionTimeout: SESSION_TIMEOUT_MS,
      heartbeatInterval: 500,
      maxWaitTimeInMs: 200,
    });
    consumer.on(consumer.events.COMMIT_OFFSETS, ({ payload }) => {
      for (const t of payload.topics)
        for (const p of t.partitions)
          record({ kind: 'committed', member: name, partition: p.partition, offset: Number(p.offset) });
    });
    return consumer;
  }

  async function startInProcess(name: string): Promise<Consumer> {
    const consumer = inProcessMember(name);
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        record({ kind: 'consumed', member: name, partition, offset: Number(message.offset) });
      },
    });
    return consumer;
  }

  function startChild(name: string): { child: ChildProcess; assigned: () => number[] } {
    let partitions: number[] = [];
    const child = fork(MEMBER_FIXTURE, [broker.bootstrap, TOPIC, GROUP, String(SESSION_TIMEOUT_MS)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(child);
    child.on('message', (m: { type: string; partition: number; offset: number; partitions: number[] }) => {
      if (m.type === 'joined') partitions = m.partitions;
      if (m.type === 'consumed' || m.type === 'committed')
        record({ kind: m.type, member: name, partition: m.partition, offset: m.offset });
    });
    return { child, assigned: () => partitions };
  }

  it('shares six partitions among three members, each message processed once, through joins, a leave and a kill', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] });
    const producer = kafka.producer();
    await producer.connect();
    let produced = 0;
    const produce = async (n: number) => {
      const messages = Array.from({ length: n }, (_, i) => ({
        key: `key-${produced + i}`,
        value: `v${produced + i}`,
      }));
      produced += n;
      await producer.send({ topic: TOPIC, acks: -1, messages });
    };
    const highWatermarks = async () =>
      new Map((await admin.fetchTopicOffsets(TOPIC)).map((o) => [o.partition, Number(o.high)]));
    const consumedSet = () =>
      new Set(facts.filter((f) => f.kind === 'consumed').map((f) => `${f.partition}:${f.offset}`));
    const allConsumed = async () => {
      const seen = consumedSet();
      for (const [p, high] of await highWatermarks())
        for (let o = 0; o < high; o++) if (!seen.has(`${p}:${o}`)) return false;
      return true;
    };
    const stableWith = async (n: number) => {
      const [group] = (await admin.describeGroups([GROUP])).groups;
      return group?.state === 'Stable' && group.members.length === n;
    };

    // Three members: two in this process, one in a child that will be killed.
    const a = await startInProcess('a');
    const b = await startInProcess('b');
    const c = startChild('c');
    await waitFor('three members in a stable group', () => stableWith(3), 30_000);
    await produce(120);
    await waitFor('first batch consumed', allConsumed, 20_000);

    // A leaves cleanly (LeaveGroup): its partitions move to the others.
    await a.disconnect();
    await waitFor('two members after a leave', () => stableWith(2), 20_000);
    await produce(120);
    await waitFor('second batch consumed', allConsumed, 20_000);

    // D joins.
    const d = await startInProcess('d');
    await waitFor('three members after a join', () => stableWith(3), 30_000);
    await waitFor('the child member owns partitions', () => c.assigned().length > 0, 10_000);
    await produce(120);
    await waitFor('third batch consumed', allConsumed, 20_000);

    // C dies without leaving; after its session times out, B and D take over its partitions.
    const orphaned = c.assigned();
    const killedAt = seq;
    c.child.kill('SIGKILL');
    await produce(120);
    await waitFor('fourth batch consumed after the session timeout', allConsumed, 40_000);
    expect(await stableWith(2)).toBe(true);
    const takenOver = facts.filter(
      (f) => f.kind === 'consumed' && f.seq > killedAt && orphaned.includes(f.partition),
    );
    expect(new Set(takenOver.map((f) => f.member))).not.toContain('c');
    expect(new Set(takenOver.map((f) => f.partition))).toEqual(new Set(orphaned));

    await Promise.all([b.disconnect(), d.disconnect()]);
    await producer.disconnect();

    // Every message was processed at least once, and the group's committed offsets cover all of them.
    const highs = await highWatermarks();
    expect([...highs.values()].reduce((x, y) => x + y, 0)).toBe(produced);
    const committed = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    expect(new Map(committed[0]!.partitions.map((p) => [p.partition, Number(p.offset)]))).toEqual(highs);

    // No message was processed again once a commit past it had been acknowledged: redelivery is
    // confined to work that was never committed (the killed member's last batch).
    const committedUpTo = new Map<number, number>();
    const redeliveredAfterCommit: Fact[] = [];
    for (const f of facts) {
      if (f.kind === 'committed')
        committedUpTo.set(f.partition, Math.max(committedUpTo.get(f.partition) ?? 0, f.offset));
      else if (f.offset < (committedUpTo.get(f.partition) ?? 0)) redeliveredAfterCommit.push(f);
    }
    expect(redeliveredAfterCommit).toEqual([]);
    const counts = new Map<string, number>();
    for (const f of facts)
      if (f.kind === 'consumed')
        counts.set(`${f.partition}:${f.offset}`, (counts.get(`${f.partition}:${f.offset}`) ?? 0) + 1);
    console.log(
      `group test: ${produced} messages, ${[...counts.values()].filter((n) => n > 1).length} redelivered (uncommitted when their member died or was rebalanced)`,
    );
    await admin.disconnect();
  }, 120_000);
});
