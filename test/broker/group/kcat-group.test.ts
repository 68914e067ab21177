import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../../src/broker/broker.js';
import { waitFor } from '../../support/wait-for.js';

const hasKcat = spawnSync('kcat', ['-V']).status === 0;
// On CI the test must run: a missing kcat is a failure there, not a skip.
const runIfKcat = hasKcat || process.env.CI === 'true' ? describe : describe.skip;

const TOPIC = 'balanced';
const GROUP = 'kcat-pair';
const MESSAGES = 600;

interface KcatMember {
  proc: ChildProcess;
  /** "partition:offset:value" lines printed so far. */
  lines: string[];
  exited: Promise<number | null>;
}

/** A librdkafka balanced consumer (`kcat -G`): prints partition, offset and value of each message. */
function kcatMember(bootstrap: string): KcatMember {
  const proc = spawn(
    'kcat',
    [
      '-b',
      bootstrap,
      '-G',
      GROUP,
      '-X',
      'session.timeout.ms=6000',
      '-X',
      'auto.offset.reset=earliest',
      '-q',
      '-u',
      '-f',
      '%p:%o:%s\\n',
      TOPIC,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const member: KcatMember = {
    proc,
    lines: [],
    exited: new Promise((resolve) => proc.on('exit', (code) => resolve(code))),
  };
  let rest = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString()).split('\n');
    rest = parts.pop()!;
    member.lines.push(...parts.filter((l) => l.length > 0));
  });
  proc.stderr!.on('data', () => {});
  return member;
}

runIfKcat('Broker > Group > kcat balanced consumer group', () => {
  let dir: string;
  let broker: RunningBroker;
  const members: KcatMember[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'citystream-kcat-group-'));
    broker = await startBroker({ dataDir: dir, host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    for (const m of members) m.proc.kill('SIGKILL');
    await broker?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('splits the partitions between two kcat -G members, which together read every message once', async () => {
    const kafka = new Kafka({
      brokers: [broker.bootstrap],
      clientId: 'kcat-test',
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 6 }] });

    members.push(kcatMember(broker.bootstrap), kcatMember(broker.bootstrap));
    await waitFor(
      'both kcat members in a stable group',
      async () => {
        const [group] = (await admin.describeGroups([GROUP])).groups;
        return group?.state === 'Stable' && group.members.length === 2;
      },
      40_000,
    );

    const producer = kafka.producer();
    await producer.connect();
    const values = Array.from({ length: MESSAGES }, (_, i) => `m${i}`);
    await producer.send({ topic: TOPIC, acks: -1, messages: values.map((value) => ({ key: value, value })) });
    await producer.disconnect();
    await waitFor(
      'all messages read',
      () => members[0]!.lines.length + members[1]!.lines.length >= MESSAGES,
      30_000,
    );

    const read = members.map((m) => m.lines.map((l) => l.split(':')));
    const partitionsOf = read.map((lines) => new Set(lines.map(([p]) => Number(p))));
    expect(partitionsOf[0]!.size).toBeGreaterThan(0);
    expect(partitionsOf[1]!.size).toBeGreaterThan(0);
    expect([...partitionsOf[0]!].filter((p) => partitionsOf[1]!.has(p))).toEqual([]);
    const allValues = read.flat().map(([, , value]) => value);
    expect(allValues).toHaveLength(MESSAGES);
    expect(new Set(allValues)).toEqual(new Set(values));

    // A clean stop (SIGTERM) commits and leaves; the group's offsets then cover everything.
    for (const m of members) m.proc.kill('SIGTERM');
    await Promise.all(members.map((m) => m.exited));
    const committed = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    const total = committed[0]!.partitions.reduce((sum, p) => sum + Number(p.offset), 0);
    expect(total).toBe(MESSAGES);
    await admin.disconnect();
  }, 90_000);
});
