import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Kafka } from 'kafkajs';
import { startBroker, type RunningBroker } from '../../src/broker/broker.js';
import type { Config } from '../../src/config/settings.js';
import { createDynamoClient } from '../../src/clients/dynamodb.js';
import { createKafka } from '../../src/clients/kafka.js';
import { startEmbeddedDynamo } from '../../src/clients/embedded-dynamodb.js';
import { createTables } from '../../src/store/tables.js';
import { configFor } from '../support/dynamo-endpoints.js';
import { readTopicWithHeaders, type ReadMessageWithHeaders } from '../support/kafka.js';

/** The local stack for pipeline tests: embedded broker and the embedded DynamoDB (a child process) on ephemeral ports, fresh tables. */
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
  // The embedded DynamoDB as `up` runs it: dynalite on LevelDB in a child process.
  const dynamo = await startEmbeddedDynamo({ host: '127.0.0.1', port: 0, dataDir: dir });
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
      await dynamo.close();
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

/** Everything in a topic with its headers (the DLQ's reasons), by partition and offset. */
export function readTopic(kafka: Kafka, topic: string): Promise<ReadMessageWithHeaders[]> {
  return readTopicWithHeaders(kafka, topic, 60_000);
}

/**
 * Waits until the group has committed every partition's log end (lag 0), or fails after the deadline;
 * looks every `pollMs`.
 */
export async function waitForZeroLag(
  kafka: Kafka,
  group: string,
  topic: string,
  timeoutMs = 120_000,
  pollMs = 200,
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
      await new Promise((r) => setTimeout(r, pollMs));
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * Produces with kcat (librdkafka), a producer without idempotence, as a user's `kcat -P` would: one message
 * per line, key and value separated by a tab, in order. Lines must hold no tab or newline of their own.
 */
export async function produceWithKcat(
  bootstrap: string,
  topic: string,
  messages: ReadonlyArray<{ key: string; value: string }>,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'citystream-kcat-'));
  const file = join(dir, 'messages.txt');
  for (const m of messages)
    if (/[\t\n]/.test(m.key + m.value) || m.value === '')
      throw new Error(`cannot send ${m.value} with kcat -K`);
  await writeFile(file, messages.map((m) => `${m.key}\t${m.value}\n`).join(''));
  try {
    await promisify(execFile)(
      'kcat',
      ['-P', '-b', bootstrap, '-t', topic, '-K', '\t', '-l', '-X', 'enable.idempotence=false', file],
      { timeout: 120_000 },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every item of a table. A test may Scan: it checks whole tables, independently of the read side. */
export async function scanAll(
  client: DynamoDBClient,
  table: string,
): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, never> | undefined;
  do {
    // A test may Scan: it checks the whole table against the ground truth, independently of the read side.
    const page = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) items.push(unmarshall(item));
    start = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (start);
  return items;
}
