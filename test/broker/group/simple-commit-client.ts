import { connect } from 'node:net';
import { createRequire } from 'node:module';

// kafkajs's own OffsetCommit encoder/decoder, driven over a bare socket: kafkajs's public API only
// commits as a group member, and these tests need the generation -1 commit of a group-less client.
const require = createRequire(import.meta.url);
const OFFSET_COMMIT = 8;
const VERSION = 2;
const encodeRequest = require(`kafkajs/src/protocol/requests/offsetCommit/v${VERSION}/request`) as (
  args: object,
) => {
  encode(): Promise<{ buffer: Buffer }>;
};
const { decode } = require(`kafkajs/src/protocol/requests/offsetCommit/v${VERSION}/response`) as {
  decode(b: Buffer): Promise<{ responses: { partitions: { errorCode: number }[] }[] }>;
};

/**
 * Commits `offset` for (topic, partition) in `groupId` with generation -1 and no member id, as a client that
 * uses the broker only to store offsets does; resolves with the partition's error code.
 */
export async function commitWithoutGroup(
  port: number,
  groupId: string,
  topic: string,
  partition: number,
  offset: number,
): Promise<number> {
  const body = (
    await encodeRequest({
      groupId,
      groupGenerationId: -1,
      memberId: '',
      retentionTime: -1,
      topics: [{ topic, partitions: [{ partition, offset: String(offset) }] }],
    }).encode()
  ).buffer;
  const clientId = Buffer.from('simple-committer');
  const header = Buffer.alloc(14 + clientId.length);
  header.writeInt32BE(header.length - 4 + body.length, 0);
  header.writeInt16BE(OFFSET_COMMIT, 4);
  header.writeInt16BE(VERSION, 6);
  header.writeInt32BE(1, 8);
  header.writeInt16BE(clientId.length, 12);
  clientId.copy(header, 14);

  const socket = connect(port, '127.0.0.1');
  try {
    const response = await new Promise<Buffer>((resolve, reject) => {
      let received = Buffer.alloc(0);
      socket.on('data', (d: Buffer) => {
        received = Buffer.concat([received, d]);
        if (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) resolve(received);
      });
      socket.on('error', reject);
      socket.on('close', () => reject(new Error('connection closed before the OffsetCommit response')));
      socket.write(Buffer.concat([header, body]));
    });
    // size, correlation id, then the body.
    const decoded = await decode(response.subarray(8));
    return decoded.responses[0]!.partitions[0]!.errorCode;
  } finally {
    socket.destroy();
  }
}
