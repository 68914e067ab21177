import { describe, expect, it } from 'vitest';
import type { BrokerState } from '../../../src/broker/broker-state.js';
import { GroupCoordinator } from '../../../src/broker/group/group-coordinator.js';
import { MemoryOffsetStore } from '../../../src/broker/group/offset-store.js';
import type { HandlerContext } from '../../../src/broker/protocol/api-definition.js';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import { findCoordinatorHandler } from '../../../src/broker/protocol/find-coordinator/handler.js';
import { joinGroupHandler } from '../../../src/broker/protocol/join-group/handler.js';
import { leaveGroupHandler } from '../../../src/broker/protocol/leave-group/handler.js';
import { offsetCommitHandler } from '../../../src/broker/protocol/offset-commit/handler.js';
import { offsetFetchHandler } from '../../../src/broker/protocol/offset-fetch/handler.js';
import { FakeClock } from './fake-clock.js';

/** A handler context over a real coordinator and a topic list; the rest of BrokerState is not consulted. */
function context(apiVersion: number) {
  const groups = new GroupCoordinator({ offsets: new MemoryOffsetStore(), clock: new FakeClock() });
  const partitions: Record<string, number> = { t: 2 };
  const broker = {
    nodeId: 7,
    host: 'broker.local',
    port: 19092,
    groups,
    topics: { partitionCount: (topic: string) => partitions[topic] },
  } as unknown as BrokerState;
  const ctx: HandlerContext = {
    apiVersion,
    clientId: 'client',
    correlationId: 1,
    connection: { id: 1, remoteAddress: '127.0.0.1:50000', signal: new AbortController().signal },
    broker,
  };
  return { ctx, groups };
}

describe('Broker > Group > handlers', () => {
  it('FindCoordinator names this broker for groups and refuses transaction coordinators', async () => {
    const { ctx } = context(2);
    expect(await findCoordinatorHandler.handle({ key: 'g', keyType: 0 }, ctx)).toMatchObject({
      errorCode: 0,
      nodeId: 7,
      host: 'broker.local',
      port: 19092,
    });
    const txn = await findCoordinatorHandler.handle({ key: 'tx', keyType: 1 }, ctx);
    expect(txn).toMatchObject({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE });
  });

  it('JoinGroup v4+ asks for a member id first; v3 admits directly; the client host is the peer address', async () => {
    const request = {
      groupId: 'g',
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000,
      memberId: '',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
    };
    const v4 = context(4);
    const first = await joinGroupHandler.handle(request, v4.ctx);
    expect(first).toMatchObject({
      errorCode: ErrorCode.MEMBER_ID_REQUIRED,
      memberId: expect.stringMatching(/^client-/),
    });

    const v3 = context(3);
    const joined = await joinGroupHandler.handle(request, v3.ctx);
    expect(joined).toMatchObject({ errorCode: 0, generationId: 1 });
    expect(v3.groups.describeGroup('g').members[0]).toMatchObject({
      clientId: 'client',
      clientHost: '/127.0.0.1',
    });
  });

  it('OffsetCommit refuses partitions of unknown topics one by one and stores the rest', async () => {
    const { ctx } = context(7);
    const commit = await offsetCommitHandler.handle(
      {
        groupId: 'simple',
        generationId: -1,
        memberId: '',
        groupInstanceId: null,
        retentionTimeMs: -1,
        topics: [
          {
            name: 't',
            partitions: [
              {
                partitionIndex: 1,
                committedOffset: 42,
                committedLeaderEpoch: 3,
                commitTimestamp: -1,
                committedMetadata: 'm',
              },
              {
                partitionIndex: 2,
                committedOffset: 1,
                committedLeaderEpoch: -1,
                commitTimestamp: -1,
                committedMetadata: null,
              },
            ],
          },
          {
            name: 'nope',
            partitions: [
              {
                partitionIndex: 0,
                committedOffset: 1,
                committedLeaderEpoch: -1,
                commitTimestamp: -1,
                committedMetadata: null,
              },
            ],
          },
        ],
      },
      ctx,
    );
    expect(commit).toEqual({
      topics: [
        {
          name: 't',
          partitions: [
            { partitionIndex: 1, errorCode: 0 },
            { partitionIndex: 2, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION },
          ],
        },
        {
          name: 'nope',
          partitions: [{ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }],
        },
      ],
    });
    const fetched = await offsetFetchHandler.handle(
      { groupId: 'simple', topics: [{ name: 't', partitionIndexes: [0, 1] }] },
      ctx,
    );
    expect(fetched).toEqual({
      errorCode: 0,
      topics: [
        {
          name: 't',
          partitions: [
            { partitionIndex: 0, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
            { partitionIndex: 1, committedOffset: 42, committedLeaderEpoch: 3, metadata: 'm', errorCode: 0 },
          ],
        },
      ],
    });
  });

  it('LeaveGroup reports an unknown member at the top level before v3 and per member from v3', async () => {
    const members = [{ memberId: 'ghost', groupInstanceId: null }];
    expect(await leaveGroupHandler.handle({ groupId: 'g', members }, context(1).ctx)).toMatchObject({
      errorCode: ErrorCode.UNKNOWN_MEMBER_ID,
    });
    expect(await leaveGroupHandler.handle({ groupId: 'g', members }, context(3).ctx)).toEqual({
      errorCode: 0,
      members: [{ memberId: 'ghost', groupInstanceId: null, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }],
    });
  });
});
