import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { IHeaders, Kafka } from 'kafkajs';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import { createKafka } from '../../src/clients/kafka.js';

const run = promisify(execFile);

/** A message as read back (text key and value), usable directly as the ground truth's ConsumedMessage. */
export interface ReadMessage {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
}

/** An embedded broker on an ephemeral port with its own temp dir, plus a quiet kafkajs client for it. */
export interface TestBroker {
  broker: RunningBroker;
  bootstrap: string;
  dataDir: string;
  kafka: Kafka;
  /** Stops the broker and removes its data directory. */
  close(): Promise<void>;
}

export async function startTestBroker(options: { partitions?: number } = {}): Promise<TestBroker> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'citystream-broker-'));
  const broker = await startBroker({
    dataDir,
    host: '127.0.0.1',
    port: 0,
    partitions: options.partitions ?? 3,
  });
  const kafka = createKafka({ brokers: [broker.bootstrap], clientId: 'citystream-test' });
  const handle: TestBroker = {
    broker,
    bootstrap: broker.bootstrap,
    dataDir,
    kafka,
    // Closes whichever broker the handle holds now (a test may have restarted it on the same port).
    close: async () => {
      await handle.broker.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}

export async function createTopic(kafka: Kafka, topic: string, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** Log end offset per partition of a topic. */
export async function logEnds(kafka: Kafka, topic: string): Promise<Map<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  } finally {
    await admin.disconnect();
  }
}

/** kcat is the independent client: a test may skip without it on a developer machine, never in CI. */
export async function hasKcat(env: Record<string, string | undefined> = process.env): Promise<boolean> {
  try {
    await run('kcat', ['-V']);
    return true;
  } catch {
    if (env.CI === 'true') throw new Error('kcat is required in CI (apt-get install kcat)');
    return false;
  }
}

/**
 * Every message of a topic, read with kcat (librdkafka) from the beginning to the end of each partition,
 * in per-partition offset order.
 */
export async function readTopicWithKcat(bootstrap: string, topic: string): Promise<ReadMessage[]> {
  const { stdout } = await run(
    'kcat',
    [
      '-C',
      '-b',
      bootstrap,
      '-t',
      topic,
      '-o',
      'beginning',
      '-e',
      '-J',
      '-q',
      '-X',
      'api.version.request=true',
    ],
    { maxBuffer: 512 * 1024 * 1024, timeout: 60_000 },
  );
  const messages = stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const m = JSON.parse(line) as {
        partition: number;
        offset: number;
        key: string | null;
        payload: string | null;
      };
      return { partition: m.partition, offset: String(m.offset), key: m.key, value: m.payload };
    });
  return messages.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
}

/** A message read back with its headers as text (the dead-letter topic's reason and source). */
export interface ReadMessageWithHeaders extends ReadMessage {
  headers: Record<string, string>;
}

let readers = 0;

/**
 * Every message of a topic with its headers, read with a kafkajs consumer (a throwaway group) until each
 * partition's log end as it was when the read began; by partition and offset.
 */
export async function readTopicWithHeaders(
  kafka: Kafka,
  topic: string,
  timeoutMs = 30_000,
): Promise<ReadMessageWithHeaders[]> {
  const ends = await logEnds(kafka, topic);
  const want = [...ends.values()].reduce((s, n) => s + n, 0);
  const messages: ReadMessageWithHeaders[] = [];
  if (want === 0) return messages;
  readers += 1;
  const consumer = kafka.consumer({
    groupId: `citystream-test-reader-${process.pid}-${Date.now()}-${readers}`,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read ${messages.length} of ${want} messages from ${topic}`)),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            if (Number(message.offset) >= (ends.get(partition) ?? 0)) return;
            messages.push({
              partition,
              offset: message.offset,
              key: message.key?.toString() ?? null,
              value: message.value?.toString() ?? null,
              headers: headerStrings(message.headers),
            });
            if (messages.length >= want) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return messages.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset));
}

/** The same read without headers, so it compares equal to what kcat reads. */
export async function readTopicWithKafkajs(
  kafka: Kafka,
  topic: string,
  timeoutMs = 30_000,
): Promise<ReadMessage[]> {
  const messages = await readTopicWithHeaders(kafka, topic, timeoutMs);
  return messages.map(({ partition, offset, key, value }) => ({ partition, offset, key, value }));
}

function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (v !== undefined) out[k] = v.toString();
  return out;
}
