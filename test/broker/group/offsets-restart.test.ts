import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '../../../src/broker/broker.js';
import { commitWithoutGroup } from './simple-commit-client.js';
import { waitFor } from '../../support/wait-for.js';

const TOPIC = 'durable';

describe('Broker > Group > committed offsets across a restart', () => {
  let dir: string;
  let broker: RunningBroker | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'citystream-offsets-restart-'));
  });
  afterAll(async () => {
    await broker?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const client = (b: RunningBroker) =>
    new Kafka({ brokers: [b.bootstrap], clientId: 'restart-test', logLevel: logLevel.NOTHING });

  it('keeps group and simple-consumer commits, and a restarted group resumes after them', async () => {
    broker = await startBroker({ dataDir: dir, host: '127.0.0.1', port: 0 });
    let kafka = client(broker);
    let admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3 }] });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: TOPIC,
      messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
    });
    await producer.disconnect();

    // A real group member commits as it goes…
    const seen: string[] = [];
    const consumer = kafka.consumer({ groupId: 'members', sessionTimeout: 6_000, maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    await waitFor('the group consumed everything', () => seen.length === 30, 20_000);
    await consumer.disconnect();
    // …and a client without a group membership commits with generation -1 (a consumer that assigns its partitions itself).
    expect(await commitWithoutGroup(broker.port, 'simple', TOPIC, 1, 7)).toBe(0);

    const before = await admin.fetchOffsets({ groupId: 'members', topics: [TOPIC] });
    expect(before[0]!.partitions.reduce((sum, p) => sum + Number(p.offset), 0)).toBe(30);
    await admin.disconnect();
    await broker.close();

    broker = await startBroker({ dataDir: dir, host: '127.0.0.1', port: 0 });
    kafka = client(broker);
    admin = kafka.admin();
    await admin.connect();
    expect(await admin.fetchOffsets({ groupId: 'members', topics: [TOPIC] })).toEqual(before);
    const simple = await admin.fetchOffsets({ groupId: 'simple', topics: [TOPIC] });
    expect(simple[0]!.partitions.find((p) => p.partition === 1)?.offset).toBe('7');
    expect(simple[0]!.partitions.find((p) => p.partition === 0)?.offset).toBe('-1');
    expect((await admin.listGroups()).groups.map((g) => g.groupId).sort()).toEqual(['members', 'simple']);

    // The group picks up where it committed: only the new message arrives.
    const after: string[] = [];
    const resumed = kafka.consumer({ groupId: 'members', sessionTimeout: 6_000, maxWaitTimeInMs: 200 });
    await resumed.connect();
    await resumed.subscribe({ topic: TOPIC, fromBeginning: true });
    await resumed.run({ eachMessage: async ({ message }) => void after.push(message.value!.toString()) });
    const newProducer = kafka.producer();
    await newProducer.connect();
    await newProducer.send({ topic: TOPIC, messages: [{ key: 'late', value: 'after-restart' }] });
    await newProducer.disconnect();
    await waitFor('the resumed group consumed the new message', () => after.length > 0, 20_000);
    await resumed.disconnect();
    expect(after).toEqual(['after-restart']);
    await admin.disconnect();
  }, 60_000);
});
