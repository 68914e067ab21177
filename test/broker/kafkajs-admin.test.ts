import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { ConfigResourceTypes, Kafka, logLevel, type Admin, type Consumer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './broker-fixture.js';
import { waitFor } from '../support/wait-for.js';

const run = promisify(execFile);
const hasKcat = spawnSync('kcat', ['-V']).status === 0;

let broker: TestBroker;
let kafka: Kafka;
let admin: Admin;
const consumers: Consumer[] = [];

beforeAll(async () => {
  broker = await startTestBroker({ partitions: 2, retentionMs: 3_600_000, segmentBytes: 1 << 20 });
  kafka = new Kafka({
    brokers: [broker.bootstrap],
    clientId: 'admin-conformance',
    logLevel: logLevel.NOTHING,
  });
  admin = kafka.admin();
  await admin.connect();
});
afterAll(async () => {
  await Promise.all(consumers.map((c) => c.disconnect().catch(() => undefined)));
  await admin?.disconnect();
  await broker?.dispose();
});

async function produce(topic: string, values: string[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: values.map((value) => ({ value })) });
  await producer.disconnect();
}

/** A consumer of `topic` in `groupId` that has joined and committed its position at the topic's end. */
async function consumeToEnd(groupId: string, topic: string, count: number): Promise<Consumer> {
  const consumer = kafka.consumer({
    groupId,
    maxWaitTimeInMs: 100,
    sessionTimeout: 10_000,
    heartbeatInterval: 500,
  });
  consumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  await consumer.run({ eachMessage: async () => void seen++ });
  await waitFor(`${count} messages`, () => seen >= count);
  await waitFor('the commit of every partition', async () => {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committed = offsets!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    return committed === count;
  });
  return consumer;
}

describe('Conformance > kafkajs > admin > configs', () => {
  it('describeConfigs answers a topic with the retention and segment size the broker applies', async () => {
    await admin.createTopics({ topics: [{ topic: 'described' }] });
    const { resources } = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'described' }],
      includeSynonyms: false,
    });
    const entries = Object.fromEntries(resources[0]!.configEntries.map((e) => [e.configName, e]));
    expect(entries['retention.ms']).toMatchObject({
      configValue: '3600000',
      readOnly: true,
      isDefault: false,
    });
    expect(entries['segment.bytes']?.configValue).toBe(String(1 << 20));
    expect(entries['cleanup.policy']).toMatchObject({ configValue: 'delete', isDefault: true });
    expect(entries['min.insync.replicas']?.configValue).toBe('1');
  });

  it('describeConfigs answers the broker, found by its node id in Metadata', async () => {
    const { resources } = await admin.describeConfigs({
      resources: [
        {
          type: ConfigResourceTypes.BROKER,
          name: '0',
          configNames: ['num.partitions', 'min.insync.replicas', 'log.retention.ms'],
        },
      ],
      includeSynonyms: true,
    });
    const values = resources[0]!.configEntries.map((e) => [e.configName, e.configValue]);
    expect(values).toEqual([
      ['log.retention.ms', '3600000'],
      ['min.insync.replicas', '1'],
      ['num.partitions', '2'],
    ]);
  });
});

describe('Conformance > kafkajs > admin > groups', () => {
  it('resetOffsets rewinds an empty group, which then reads the topic again', async () => {
    await produce('reset', ['a', 'b', 'c']);
    const consumer = await consumeToEnd('resettable', 'reset', 3);
    await consumer.disconnect();
    await waitFor(
      'the group to be empty',
      async () => (await admin.describeGroups(['resettable'])).groups[0]?.state === 'Empty',
    );

    // About 5 s: kafkajs's helper consumer waits for one Fetch, which finds no new data and is held for
    // its default max wait, as Kafka holds it.
    await admin.resetOffsets({ groupId: 'resettable', topic: 'reset', earliest: true });
    const [offsets] = await admin.fetchOffsets({ groupId: 'resettable', topics: ['reset'] });
    // kafkajs commits Kafka's "earliest" sentinel (-2), which the next member resolves with ListOffsets.
    expect(offsets!.partitions.map((p) => p.offset)).toEqual(['-2', '-2']);
    await consumeToEnd('resettable', 'reset', 3);
  });

  it('deleteGroups deletes an empty group with its offsets, and refuses a live one with NON_EMPTY_GROUP', async () => {
    await produce('groups', ['x', 'y']);
    const live = await consumeToEnd('live', 'groups', 2);
    const done = await consumeToEnd('done', 'groups', 2);
    await done.disconnect();
    await waitFor(
      'the group to be empty',
      async () => (await admin.describeGroups(['done'])).groups[0]?.state === 'Empty',
    );

    expect(await admin.deleteGroups(['done'])).toEqual([{ groupId: 'done', errorCode: 0 }]);
    expect((await admin.describeGroups(['done'])).groups[0]?.state).toBe('Dead');
    const [offsets] = await admin.fetchOffsets({ groupId: 'done', topics: ['groups'] });
    expect(offsets!.partitions.every((p) => p.offset === '-1')).toBe(true);

    const refused = await admin.deleteGroups(['live']).catch((err: unknown) => err);
    expect(refused).toMatchObject({
      name: 'KafkaJSDeleteGroupsError',
      groups: [{ groupId: 'live', errorCode: 68, error: { type: 'NON_EMPTY_GROUP' } }],
    });
    expect((await admin.describeGroups(['live'])).groups[0]?.state).toBe('Stable');
    await live.disconnect();
  });
});

describe.skipIf(!hasKcat && process.env.CI !== 'true')(
  'Conformance > kcat > with the new APIs advertised',
  () => {
    it('kcat -L lists the broker and topics, and kcat -C still reads', async () => {
      await produce('kcat-after-admin', ['one', 'two']);
      const { stdout: listing } = await run(
        'kcat',
        ['-b', broker.bootstrap, '-L', '-t', 'kcat-after-admin'],
        {
          timeout: 20_000,
        },
      );
      expect(listing).toMatch(/1 brokers:\s+broker 0 at 127\.0\.0\.1:\d+/);
      expect(listing).toMatch(/topic "kcat-after-admin" with 2 partitions/);
      const { stdout } = await run(
        'kcat',
        ['-b', broker.bootstrap, '-C', '-t', 'kcat-after-admin', '-o', 'beginning', '-e', '-q', '-f', '%s\n'],
        { timeout: 20_000 },
      );
      expect(stdout.trim().split('\n').sort()).toEqual(['one', 'two']);
    });
  },
);
