import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writer } from '../../../src/broker/protocol/writer.js';
import { startTestBroker, type TestBroker } from '../broker-fixture.js';
import { waitFor } from '../../support/wait-for.js';
import { kafkajsRequestBody } from '../protocol/kafkajs-oracle.js';

/** A raw TCP client that collects the bytes it receives and notices when the broker closes it. */
class RawClient {
  received = Buffer.alloc(0);
  closed = false;
  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => (this.received = Buffer.concat([this.received, d])));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => {});
  }

  static async open(port: number): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new RawClient(socket);
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Sends ApiVersions with the given version and returns the response frame's body (after the size). */
  async apiVersions(version: number, correlationId: number): Promise<Buffer> {
    const before = this.received.length;
    this.send(frame(new Writer().int16(18).int16(version).int32(correlationId).nullableString('raw')));
    await waitFor(
      'an ApiVersions response',
      () =>
        this.received.length >= before + 4 &&
        this.received.length >= before + 4 + this.received.readInt32BE(before),
    );
    return this.received.subarray(before + 4);
  }
}

function frame(w: Writer): Buffer {
  const body = w.toBuffer();
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

let broker: TestBroker;
let good: RawClient;
let correlation = 1;

beforeAll(async () => {
  broker = await startTestBroker();
  good = await RawClient.open(broker.port);
});
afterAll(async () => broker.dispose());

/** The client that behaves keeps getting answers, whatever the others did. */
async function goodClientStillServed(): Promise<void> {
  const body = await good.apiVersions(0, ++correlation);
  expect(body.readInt32BE(0)).toBe(correlation);
  expect(body.readInt16BE(4)).toBe(0);
  expect(good.closed).toBe(false);
}

async function expectClosedWithLog(client: RawClient, reason: RegExp): Promise<void> {
  await waitFor('the broker to close the connection', () => client.closed);
  await waitFor('a log line', () => broker.lines.some((l) => reason.test(l)));
  await goodClientStillServed();
}

describe('Server > bad input', () => {
  it('closes a connection that sends random bytes', async () => {
    for (let i = 0; i < 10; i++) {
      const client = await RawClient.open(broker.port);
      const garbage = randomBytes(200);
      garbage.writeInt32BE(196, 0); // a plausible frame length, so the garbage reaches the parser
      client.send(garbage);
      await waitFor('the broker to close the connection', () => client.closed);
    }
    await goodClientStillServed();
  });

  it('closes a connection announcing a 2 GiB frame at once, without buffering for it', async () => {
    const client = await RawClient.open(broker.port);
    const before = process.memoryUsage();
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(0x7fffffff);
    client.send(Buffer.concat([prefix, randomBytes(1024)]));
    await expectClosedWithLog(client, /frame length 2147483647/);
    const after = process.memoryUsage();
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(64 * 1024 * 1024);
  });

  it('closes a connection whose frame ends before its fields do', async () => {
    const client = await RawClient.open(broker.port);
    // A Produce v3 header, then a topic array that claims one topic and stops.
    client.send(
      frame(
        new Writer()
          .int16(0)
          .int16(3)
          .int32(7)
          .nullableString('t')
          .nullableString(null)
          .int16(1)
          .int32(1000)
          .int32(1),
      ),
    );
    await expectClosedWithLog(client, /truncated request/);
  });

  it('closes a connection that uses an unknown API key', async () => {
    const client = await RawClient.open(broker.port);
    client.send(frame(new Writer().int16(999).int16(0).int32(1).nullableString('t')));
    await expectClosedWithLog(client, /unknown API key 999/);
  });

  it('closes a connection that asks for an unsupported version of an API', async () => {
    const client = await RawClient.open(broker.port);
    client.send(frame(new Writer().int16(0).int16(99).int32(1).nullableString('t')));
    await expectClosedWithLog(client, /Produce v99 is not supported/);
  });

  it('refuses a record batch with a bad CRC with CORRUPT_MESSAGE and keeps the connection', async () => {
    const client = await RawClient.open(broker.port);
    const body = await kafkajsRequestBody('produce', 3, {
      acks: -1,
      timeout: 1000,
      topicData: [{ topic: 'crc', partitions: [{ partition: 0, messages: [{ value: 'payload' }] }] }],
    });
    body[body.length - 1]! ^= 0xff; // the last byte of the last record: covered by the CRC
    const header = new Writer().int16(0).int16(3).int32(77).nullableString('raw').toBuffer();
    const size = Buffer.alloc(4);
    size.writeInt32BE(header.length + body.length);
    client.send(Buffer.concat([size, header, body]));
    await waitFor('the Produce response', () => client.received.length >= 4 + 4);
    await waitFor('the whole response', () => client.received.length >= 4 + client.received.readInt32BE(0));
    const r = client.received.subarray(4);
    expect(r.readInt32BE(0)).toBe(77);
    // [responses] → name "crc" → [partitions] → index 0, error_code
    const nameLength = r.readInt16BE(8);
    const partitionAt = 10 + nameLength + 4;
    expect(r.readInt32BE(partitionAt)).toBe(0);
    expect(r.readInt16BE(partitionAt + 4)).toBe(2); // CORRUPT_MESSAGE
    expect(client.closed).toBe(false);
    expect(broker.lines.some((l) => /CRC-32C mismatch/.test(l))).toBe(true);
    client.socket.destroy();
  });

  it('answers an unsupported ApiVersions version with error 35 and its ranges, in v0 format', async () => {
    const client = await RawClient.open(broker.port);
    const body = await client.apiVersions(3, 41);
    expect(body.readInt32BE(0)).toBe(41); // correlation id, response header v0
    expect(body.readInt16BE(4)).toBe(35);
    const count = body.readInt32BE(6);
    const ranges = Array.from({ length: count }, (_, i) => ({
      apiKey: body.readInt16BE(10 + i * 6),
      min: body.readInt16BE(12 + i * 6),
      max: body.readInt16BE(14 + i * 6),
    }));
    expect(ranges).toContainEqual({ apiKey: 18, min: 0, max: 2 });
    expect(ranges).toContainEqual({ apiKey: 0, min: 3, max: 7 });
    // The client may retry on the same connection.
    const retry = await client.apiVersions(2, 42);
    expect(retry.readInt16BE(4)).toBe(0);
    expect(client.closed).toBe(false);
    client.socket.destroy();
  });
});
