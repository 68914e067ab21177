import { connect, type Socket } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBatchHeader, splitAndValidate } from '../../../src/broker/log/record-batch.js';
import { fetchApi, type FetchResponse } from '../../../src/broker/protocol/fetch/index.js';
import { Reader } from '../../../src/broker/protocol/reader.js';
import { Writer } from '../../../src/broker/protocol/writer.js';
import { startTestBroker, type TestBroker } from '../broker-fixture.js';
import { waitFor } from '../../support/wait-for.js';
import { kafkajsRequestBody } from '../protocol/kafkajs-oracle.js';

/** A pipelining client: sends framed requests and collects response frames in arrival order. */
class PipelineClient {
  frames: Buffer[] = [];
  private pending = Buffer.alloc(0);
  constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.pending = Buffer.concat([this.pending, d]);
      while (this.pending.length >= 4 && this.pending.length >= 4 + this.pending.readInt32BE(0)) {
        const size = this.pending.readInt32BE(0);
        this.frames.push(this.pending.subarray(4, 4 + size));
        this.pending = this.pending.subarray(4 + size);
      }
    });
  }

  static async open(port: number): Promise<PipelineClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new PipelineClient(socket);
  }

  send(apiKey: number, version: number, correlationId: number, body: Buffer): void {
    const header = new Writer()
      .int16(apiKey)
      .int16(version)
      .int32(correlationId)
      .nullableString('pipeline')
      .toBuffer();
    const size = Buffer.alloc(4);
    size.writeInt32BE(header.length + body.length);
    this.socket.write(Buffer.concat([size, header, body]));
  }

  close(): void {
    this.socket.destroy();
  }
}

function decodeFetch(frame: Buffer): FetchResponse {
  const r = new Reader(frame.subarray(4)); // after the correlation id
  // The broker's own codec has no response decoder; read v4's layout here.
  const throttleTimeMs = r.int32();
  const responses = r.array((r) => ({
    topic: r.string(),
    partitions: r.array((r) => {
      const partitionIndex = r.int32();
      const errorCode = r.int16();
      const highWatermark = r.int64AsNumber();
      const lastStableOffset = r.int64AsNumber();
      r.nullableArray((r) => [r.int64(), r.int64()]);
      return {
        partitionIndex,
        errorCode,
        highWatermark,
        lastStableOffset,
        logStartOffset: -1,
        records: r.nullableBytes(),
      };
    }),
  }));
  return { throttleTimeMs, errorCode: 0, sessionId: 0, responses };
}

async function fetchBody(
  topic: string,
  offset: number,
  opts: { maxWait: number; partitionMaxBytes: number; maxBytes?: number },
) {
  expect(fetchApi.versions[4]).toBeDefined();
  return kafkajsRequestBody('fetch', 4, {
    replicaId: -1,
    maxWaitTime: opts.maxWait,
    minBytes: 1,
    maxBytes: opts.maxBytes ?? 50_000_000,
    isolationLevel: 0,
    topics: [
      {
        topic,
        partitions: [{ partition: 0, fetchOffset: String(offset), maxBytes: opts.partitionMaxBytes }],
      },
    ],
  });
}

let broker: TestBroker;
let kafka: Kafka;

beforeAll(async () => {
  broker = await startTestBroker({ partitions: 1 });
  kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: 'poll', numPartitions: 1 },
      { topic: 'sizes', numPartitions: 1 },
    ],
  });
  await admin.disconnect();
});
afterAll(async () => broker.dispose());

describe('Server > Fetch long poll and response order', () => {
  it('holds a Fetch until data arrives, and answers later requests on the connection after it', async () => {
    const client = await PipelineClient.open(broker.port);
    client.send(1, 4, 100, await fetchBody('poll', 0, { maxWait: 30_000, partitionMaxBytes: 1 << 20 }));
    client.send(18, 0, 101, Buffer.alloc(0)); // ApiVersions: fast, but must wait its turn
    await new Promise((r) => setTimeout(r, 300));
    expect(client.frames).toHaveLength(0); // nothing yet: the Fetch is waiting and holds the queue

    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'poll', messages: [{ value: 'wake up' }] });
    await producer.disconnect();

    await waitFor('both responses', () => client.frames.length === 2);
    expect(client.frames.map((f) => f.readInt32BE(0))).toEqual([100, 101]);
    const fetched = decodeFetch(client.frames[0]!);
    const records = fetched.responses[0]!.partitions[0]!.records!;
    expect(splitAndValidate(records, 1 << 20)).toHaveLength(1);
    client.close();
  });

  it('returns whole batches within partition_max_bytes, and at least one batch', async () => {
    const producer = kafka.producer();
    await producer.connect();
    for (let i = 0; i < 10; i++)
      await producer.send({ topic: 'sizes', messages: [{ value: 'x'.repeat(1000) }] });
    await producer.disconnect();

    const client = await PipelineClient.open(broker.port);
    client.send(1, 4, 1, await fetchBody('sizes', 0, { maxWait: 0, partitionMaxBytes: 2500 }));
    client.send(1, 4, 2, await fetchBody('sizes', 3, { maxWait: 0, partitionMaxBytes: 10 })); // smaller than a batch
    client.send(
      1,
      4,
      3,
      await fetchBody('sizes', 0, { maxWait: 0, partitionMaxBytes: 1 << 20, maxBytes: 3500 }),
    );
    await waitFor('three responses', () => client.frames.length === 3);
    const batches = client.frames.map((f) =>
      splitAndValidate(decodeFetch(f).responses[0]!.partitions[0]!.records!, 1 << 20),
    );
    expect(batches[0]!.length).toBe(2);
    expect(batches[1]!.map((b) => readBatchHeader(b).baseOffset)).toEqual([3]);
    expect(batches[2]!.length).toBe(3);
    client.close();
  });
});
