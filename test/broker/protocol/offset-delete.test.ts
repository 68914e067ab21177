import { describe, expect, it } from 'vitest';
import { GroupCoordinator } from '../../../src/broker/group/group-coordinator.js';
import { MemoryOffsetStore } from '../../../src/broker/group/offset-store.js';
import type { HandlerContext } from '../../../src/broker/protocol/api-definition.js';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import { offsetDeleteHandler } from '../../../src/broker/protocol/offset-delete/handler.js';
import { offsetDeleteApi } from '../../../src/broker/protocol/offset-delete/index.js';
import { Reader } from '../../../src/broker/protocol/reader.js';
import { Writer } from '../../../src/broker/protocol/writer.js';

// kafkajs 2.2.4 has no OffsetDelete: the bytes below are written from Kafka's grammar by hand.
describe('Protocol > OffsetDelete', () => {
  it('v0', () => {
    const request = new Writer().string('g').int32(1).string('t').int32(2).int32(0).int32(5).toBuffer();
    const reader = new Reader(request);
    expect(offsetDeleteApi.versions[0]!.decodeRequest(reader)).toEqual({
      groupId: 'g',
      topics: [{ name: 't', partitions: [0, 5] }],
    });
    expect(reader.remaining).toBe(0);

    const w = new Writer();
    offsetDeleteApi.versions[0]!.encodeResponse(w, {
      errorCode: 0,
      throttleTimeMs: 7,
      topics: [{ name: 't', partitions: [{ partitionIndex: 5, errorCode: 86 }] }],
    });
    const expected = new Writer().int16(0).int32(7).int32(1).string('t').int32(1).int32(5).int16(86);
    expect(w.toBuffer()).toEqual(expected.toBuffer());
  });

  it('handler: forgets the offsets of known partitions, UNKNOWN_TOPIC_OR_PARTITION for the others', async () => {
    const groups = new GroupCoordinator({ offsets: new MemoryOffsetStore() });
    const ctx = {
      broker: { groups, topics: { partitionCount: (t: string) => (t === 't' ? 2 : undefined) } },
    } as unknown as HandlerContext;
    const committed = (topic: string, partition: number) => ({
      topic,
      partition,
      offset: 3,
      leaderEpoch: -1,
      metadata: null,
    });
    await groups.commitOffsets('g', -1, '', [committed('t', 0), committed('t', 1)]);
    const response = await offsetDeleteHandler.handle(
      {
        groupId: 'g',
        topics: [
          { name: 't', partitions: [0, 9] },
          { name: 'gone', partitions: [0] },
        ],
      },
      ctx,
    );
    expect(response).toEqual({
      errorCode: ErrorCode.NONE,
      throttleTimeMs: 0,
      topics: [
        {
          name: 't',
          partitions: [
            { partitionIndex: 0, errorCode: ErrorCode.NONE },
            { partitionIndex: 9, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION },
          ],
        },
        {
          name: 'gone',
          partitions: [{ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }],
        },
      ],
    });
    expect(groups.fetchOffsets('g', null).map((o) => o.partition)).toEqual([1]);
    await groups.close();
  });
});
