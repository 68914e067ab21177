import { connect, type Socket } from 'node:net';
import { expect } from 'vitest';
import { Reader } from '../../../src/broker/protocol/reader.js';
import { Writer } from '../../../src/broker/protocol/writer.js';
import { waitFor } from '../../support/wait-for.js';

/** One connection sending Produce v3 requests (acks -1) and reading each partition's answer. */
export class RawProducer {
  private received = Buffer.alloc(0);
  private correlationId = 0;
  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => (this.received = Buffer.concat([this.received, d])));
  }

  static async open(port: number): Promise<RawProducer> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new RawProducer(socket);
  }

  /** Sends `records` to topic-0 and returns the partition's error code. */
  async produce(topic: string, records: Buffer): Promise<number> {
    const correlationId = ++this.correlationId;
    const request = new Writer()
      .int16(0) // Produce
      .int16(3)
      .int32(correlationId)
      .nullableString('records-test')
      .nullableString(null)
      .int16(-1)
      .int32(10_000)
      .int32(1)
      .string(topic)
      .int32(1)
      .int32(0)
      .nullableBytes(records)
      .toBuffer();
    const size = Buffer.alloc(4);
    size.writeInt32BE(request.length);
    this.socket.write(Buffer.concat([size, request]));
    const frame = await waitFor('the Produce response', () => {
      if (this.received.length < 4) return undefined;
      const length = this.received.readInt32BE(0);
      if (this.received.length < 4 + length) return undefined;
      const body = this.received.subarray(4, 4 + length);
      this.received = this.received.subarray(4 + length);
      return body;
    });
    const r = new Reader(frame);
    expect(r.int32()).toBe(correlationId);
    r.int32(); // one topic
    expect(r.string()).toBe(topic);
    r.int32(); // one partition
    expect(r.int32()).toBe(0);
    return r.int16();
  }

  close(): void {
    this.socket.destroy();
  }
}
