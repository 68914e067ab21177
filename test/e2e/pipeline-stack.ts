import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { IHeaders, Kafka } from 'kafkajs';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import type { Config } from '../../src/infra/config-schema.js';
import { createDynamoClient } from '../../src/infra/dynamodb.js';
import { createKafka } from '../../src/infra/kafka.js';
import type { ConsumedMessage } from '../../src/pipeline/ground-truth.js';
import { createTables } from '../../src/pipeline/tables.js';
import { configFor, startDynalite } from '../support/dynamo-endpoints.js';

/** The local stack for pipeline tests: embedded broker and dynalite on ephemeral ports, fresh tables. */
export interface PipelineStack {
  config: Config;
  broker: RunningBroker;
  dynamoEndpoint: string;
  client: DynamoDBClient;
  kafka: Kafka;
  dir: string;
  stop(): Promise<void>;
}

export async function startPipelineStack(options: { partitions: number }): Promise<PipelineStack> {
  const dir = await mkdtemp(join(tmpdir(), 'citystream-e2e-'));
  const broker = await startBroker({
    host: '127.0.0.1',
    port: 0,
    dataDir: join(dir, 'kafka'),
    partitions: options.partitions,
  });
  const dynamo = await startDynalite();
  const config = configFor(dynamo.endpoint, {
    brokers: [broker.bootstrap],
    partitions: options.partitions,
    dataDir: dir,
  });
  const client = createDynamoClient(config);
  await createTables(client, { prefix: config.prefix, billing: { mode: 'on-demand' } });
  const kafka = createKafka({ brokers: config.brokers, clientId: 'e2e-test' });
  return {
    config,
    broker,
    dynamoEndpoint: dynamo.endpoint,
    client,
    kafka,
    dir,
    async stop() {
      client.destroy();
      await broker.close();
      await dynamo.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Sends messages in order (one producer, acks from all), in chunks. */
export async function sendAll(
  kafka: Kafka,
  topic: string,
  messages: ReadonlyArray<{ key: string | null; value: string }>,
): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 500)
      await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 500) });
  } finally {
    await producer.disconnect();
  }
}

export interface ReadBackMessage extends ConsumedMessage {
  headers: Record<string, string>;
}

/** Everything in a topic, by partition and offset, read with a plain consumer of a throwaway group. */
export async function readTopic(kafka: Kafka, topic: string): Promise<ReadBackMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const want = new Map(ends.map((e) => [e.partition, Number(e.high)]));
  const total = [...want.values()].reduce((a, b) => a + b, 0);
  const out: ReadBackMessage[] = [];
  if (total === 0) return out;
  const consumer = kafka.consumer({ groupId: `read-back-${process.pid}-${Date.now()}-${Math.random()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`read ${out.length} of ${total} from ${topic}`)), 60_000);
    void consumer
      .run({
        eachMessage: async ({ partition, message }) => {
          if (Number(message.offset) >= (want.get(partition) ?? 0)) return;
          out.push({
            partition,
            offset: message.offset,
            key: message.key?.toString() ?? null,
            value: message.value?.toString() ?? null,
            headers: headerStrings(message.headers),
          });
          if (out.length >= total) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return out;
}

function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (v !== undefined) out[k] = v.toString();
  return out;
}

/** Waits until the group has committed every partition's log end (lag 0), or fails after the deadline. */
export async function waitForZeroLag(
  kafka: Kafka,
  group: string,
  topic: string,
  timeoutMs = 120_000,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ends = await admin.fetchTopicOffsets(topic);
      const committed = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      const done = ends.every((e) => {
        const c = committed[0]?.partitions.find((p) => p.partition === e.partition);
        return Number(e.high) === 0 || (c !== undefined && Number(c.offset) >= Number(e.high));
      });
      if (done) return;
      if (Date.now() > deadline) throw new Error(`group ${group} still lags on ${topic}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await admin.disconnect();
  }
}
