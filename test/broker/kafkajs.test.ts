import { CompressionTypes, Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './broker-fixture.js';
import { waitFor } from '../support/wait-for.js';

let broker: TestBroker;
let kafka: Kafka;
const consumers: Consumer[] = [];

beforeAll(async () => {
  broker = await startTestBroker({ partitions: 3 });
  kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'conformance', logLevel: logLevel.NOTHING });
});
afterAll(async () => {
  await Promise.all(consumers.map((c) => c.disconnect().catch(() => undefined)));
  await broker.dispose();
});

/** Produces `count` keyed messages (value = `${prefix}-${i}`) in one send. */
async function produce(
  topic: string,
  prefix: string,
  count: number,
  opts: { compression?: CompressionTypes } = {},
) {
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  await producer.send({
    topic,
    compression: opts.compression,
    messages: Array.from({ length: count }, (_, i) => ({ key: `k${i % 7}`, value: `${prefix}-${i}` })),
  });
  await producer.disconnect();
}

function newConsumer(groupId: string): Consumer {
  const c = kafka.consumer({ groupId, maxWaitTimeInMs: 100, sessionTimeout: 10_000, heartbeatInterval: 500 });
  consumers.push(c);
  return c;
}

/** Runs a consumer until `count` messages arrived; returns them. */
async function consumeAll(
  topic: string,
  count: number,
  opts: { fromBeginning: boolean; mode?: 'eachMessage' | 'eachBatch'; before?: () => Promise<void> },
): Promise<{ partition: number; message: KafkaMessage }[]> {
  const got: { partition: number; message: KafkaMessage }[] = [];
  const consumer = newConsumer(`g-${topic}-${opts.mode ?? 'eachMessage'}-${Math.random()}`);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: opts.fromBeginning });
  // A completed fetch means the group is joined and the starting positions are resolved.
  let fetched = false;
  consumer.on(consumer.events.FETCH, () => void (fetched = true));
  if (opts.mode === 'eachBatch')
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) got.push({ partition: batch.partition, message });
      },
    });
  else
    await consumer.run({
      eachMessage: async ({ partition, message }) => void got.push({ partition, message }),
    });
  if (opts.before) {
    await waitFor('the first fetch', () => fetched);
    await opts.before();
  }
  await waitFor(`${count} messages from ${topic}`, () => got.length >= count);
  await consumer.disconnect();
  return got;
}

/** Values per partition in the order they arrived, checking offsets increase within each partition. */
function byPartition(got: { partition: number; message: KafkaMessage }[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  const lastOffset = new Map<number, number>();
  for (const { partition, message } of got) {
    const offset = Number(message.offset);
    expect(offset).toBeGreaterThan(lastOffset.get(partition) ?? -1);
    lastOffset.set(partition, offset);
    out.set(partition, [...(out.get(partition) ?? []), message.value!.toString()]);
  }
  return out;
}

describe('Conformance > kafkajs > admin', () => {
  it('creates, lists and deletes topics, and fetches their offsets', async () => {
    const admin = kafka.admin();
    await admin.connect();
    expect(
      await admin.createTopics({ topics: [{ topic: 'admin-a', numPartitions: 4 }, { topic: 'admin-b' }] }),
    ).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic: 'admin-a', numPartitions: 4 }] })).toBe(false); // exists
    expect(await admin.listTopics()).toEqual(expect.arrayContaining(['admin-a', 'admin-b']));
    const meta = await admin.fetchTopicMetadata({ topics: ['admin-a', 'admin-b'] });
    expect(meta.topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual([
      ['admin-a', 4],
      ['admin-b', 3],
    ]);
    await produce('admin-a', 'x', 20);
    const offsets = await admin.fetchTopicOffsets('admin-a');
    expect(offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0)).toBe(20);
    await admin.deleteTopics({ topics: ['admin-b'] });
    expect(await admin.listTopics()).not.toContain('admin-b');
    await expect(admin.createTopics({ topics: [{ topic: 'bad/name' }] })).rejects.toThrow();
    await admin.disconnect();
  });

  it('finds offsets by timestamp', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await produce('by-time', 'early', 3);
    const cut = Date.now() + 1;
    await waitFor('the clock to pass the cut', () => Date.now() > cut + 1);
    await produce('by-time', 'late', 3);
    const [after] = await Promise.all([admin.fetchTopicOffsetsByTimestamp('by-time', cut)]);
    const highs = await admin.fetchTopicOffsets('by-time');
    // Every "late" message is at or after the returned offset, every "early" one before it.
    const total = after!.reduce((n, o) => {
      const high = Number(highs.find((h) => h.partition === o.partition)!.high);
      return n + high - Number(o.offset);
    }, 0);
    expect(total).toBe(3);
    await admin.disconnect();
  });
});

describe('Conformance > kafkajs > producer', () => {
  it('produces plain, keyed, batched and gzip messages that consume back in order', async () => {
    await produce('mixed', 'plain', 1);
    await produce('mixed', 'batched', 50);
    await produce('mixed', 'gzip', 50, { compression: CompressionTypes.GZIP });
    const got = await consumeAll('mixed', 101, { fromBeginning: true });
    const values = [...byPartition(got).values()].flat();
    expect(values.sort()).toEqual(
      [
        'plain-0',
        ...Array.from({ length: 50 }, (_, i) => `batched-${i}`),
        ...Array.from({ length: 50 }, (_, i) => `gzip-${i}`),
      ].sort(),
    );
    // Same key, same partition.
    const partitionOfKey = new Map<string, number>();
    for (const { partition, message } of got) {
      const key = message.key!.toString();
      expect(partitionOfKey.get(key) ?? partition).toBe(partition);
      partitionOfKey.set(key, partition);
    }
  });

  it('produces with an idempotent producer, each message exactly once', async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < 20; i++)
      await producer.send({ topic: 'idem', messages: [{ key: `k${i % 3}`, value: `v${i}` }] });
    await producer.disconnect();
    const got = await consumeAll('idem', 20, { fromBeginning: true });
    expect(got.map((g) => g.message.value!.toString()).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `v${i}`).sort(),
    );
  });
});

describe('Conformance > kafkajs > consumer', () => {
  it('eachBatch from the beginning', async () => {
    await produce('batches', 'b', 30);
    const got = await consumeAll('batches', 30, { fromBeginning: true, mode: 'eachBatch' });
    expect(got).toHaveLength(30);
  });

  it('from latest: sees only messages produced after it joined', async () => {
    await produce('latest', 'old', 10);
    const got = await consumeAll('latest', 5, {
      fromBeginning: false,
      before: async () => produce('latest', 'new', 5),
    });
    expect(got.map((g) => g.message.value!.toString()).every((v) => v.startsWith('new-'))).toBe(true);
  });

  it('seek rewinds a partition; pause and resume stop and restart delivery', async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'seekable', numPartitions: 1 }] });
    await admin.disconnect();
    await produce('seekable', 's', 10);
    const seen: number[] = [];
    const consumer = newConsumer('seeker');
    await consumer.connect();
    await consumer.subscribe({ topic: 'seekable', fromBeginning: true });
    let sought = false;
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(Number(message.offset));
        if (Number(message.offset) === 9 && !sought) {
          sought = true;
          consumer.seek({ topic: 'seekable', partition: 0, offset: '5' });
        }
      },
    });
    await waitFor('the rewound messages', () => seen.length >= 15);
    expect(seen.slice(10, 15)).toEqual([5, 6, 7, 8, 9]);

    consumer.pause([{ topic: 'seekable' }]);
    const pausedAt = seen.length;
    await produce('seekable', 'p', 3);
    await new Promise((r) => setTimeout(r, 800)); // a paused consumer must stay quiet for a while
    expect(seen.length).toBe(pausedAt);
    consumer.resume([{ topic: 'seekable' }]);
    await waitFor('messages after resume', () => seen.length >= pausedAt + 3);
    expect(seen.slice(pausedAt)).toEqual([10, 11, 12]);
    await consumer.disconnect();
  });
});
