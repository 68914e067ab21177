import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHandlers, versionRanges } from '../../../src/broker/api-registry.js';
import { Reader } from '../../../src/broker/protocol/reader.js';
import { Writer } from '../../../src/broker/protocol/writer.js';
import { waitFor } from '../../support/wait-for.js';
import { startTestBroker, type TestBroker } from '../broker-fixture.js';

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => broker.dispose());

/** One ApiVersions v2 request over a raw socket; the ranges of the answer. */
async function advertised(): Promise<{ apiKey: number; minVersion: number; maxVersion: number }[]> {
  const socket = connect(broker.port, '127.0.0.1');
  let received = Buffer.alloc(0);
  socket.on('data', (d: Buffer) => (received = Buffer.concat([received, d])));
  const request = new Writer().int16(18).int16(2).int32(9).nullableString('t').toBuffer();
  const size = Buffer.alloc(4);
  size.writeInt32BE(request.length);
  socket.write(Buffer.concat([size, request]));
  await waitFor(
    'the ApiVersions response',
    () => received.length >= 4 && received.length >= 4 + received.readInt32BE(0),
  );
  socket.destroy();
  const r = new Reader(received.subarray(4));
  expect(r.int32()).toBe(9);
  expect(r.int16()).toBe(0);
  return r.array((r) => ({ apiKey: r.int16(), minVersion: r.int16(), maxVersion: r.int16() }));
}

describe('Protocol > ApiVersions > advertised', () => {
  it('advertises exactly the registered APIs and versions, the admin ones included', async () => {
    const ranges = await advertised();
    expect(ranges).toEqual(versionRanges(apiHandlers));
    expect(ranges).toContainEqual({ apiKey: 32, minVersion: 0, maxVersion: 3 }); // DescribeConfigs
    expect(ranges).toContainEqual({ apiKey: 42, minVersion: 0, maxVersion: 1 }); // DeleteGroups
    expect(ranges).toContainEqual({ apiKey: 47, minVersion: 0, maxVersion: 0 }); // OffsetDelete
    expect(ranges).toHaveLength(20);
  });
});
