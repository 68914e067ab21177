import { Kafka, logLevel } from 'kafkajs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker } from './broker-fixture.js';
import { waitFor } from '../support/wait-for.js';

let dataDir: string;
beforeAll(async () => void (dataDir = await mkdtemp(path.join(os.tmpdir(), 'citystream-broker-lib-'))));
afterAll(async () => rm(dataDir, { recursive: true, force: true }));

async function offsets(bootstrap: string, topic: string) {
  const admin = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return await admin.fetchTopicOffsets(topic);
  } finally {
    await admin.disconnect();
  }
}

describe('Broker > startBroker', () => {
  it('keeps topics, offsets and the cluster id across a clean restart (fsync interval)', async () => {
    const first = await startTestBroker({ dataDir, fsync: 'interval', partitions: 2 });
    const kafka = new Kafka({ brokers: [first.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    await producer.send({
      topic: 'kept',
      messages: [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
      ],
    });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    const clusterBefore = (await admin.describeCluster()).clusterId;
    await admin.disconnect();
    const before = await offsets(first.bootstrap, 'kept');
    await first.close();

    const second = await startTestBroker({ dataDir });
    const admin2 = new Kafka({ brokers: [second.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin2.connect();
    expect((await admin2.describeCluster()).clusterId).toBe(clusterBefore);
    await admin2.disconnect();
    expect(await offsets(second.bootstrap, 'kept')).toEqual(before);
    await second.close();
  });

  it('applies time retention on its own timer: old segments go, the log start offset moves', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'citystream-retention-'));
    // Retention of 1 ms: every append rolls a segment, and the timer (every second) deletes the old ones.
    const broker = await startTestBroker({ dataDir: dir, retentionMs: 1, partitions: 1 });
    try {
      const producer = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).producer();
      await producer.connect();
      for (let i = 0; i < 5; i++)
        await producer.send({ topic: 'short-lived', messages: [{ value: String(i) }] });
      await producer.disconnect();
      // The log start offset moves when the segments leave the partition's list; the log line comes after
      // their files are deleted, so wait for both rather than read the lines the moment the offset moves.
      await waitFor('retention to move the log start offset and report it', async () => {
        const [p] = await offsets(broker.bootstrap, 'short-lived');
        return Number(p!.low) > 0 && broker.lines.some((l) => /retention deleted/.test(l));
      });
      const [p] = await offsets(broker.bootstrap, 'short-lived');
      expect(Number(p!.high)).toBe(5);
      expect(broker.lines.some((l) => /retention deleted/.test(l))).toBe(true);
    } finally {
      await broker.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
