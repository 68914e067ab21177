import { describe, expect, it } from 'vitest';
import {
  GroupCoordinator,
  type JoinGroupInput,
  type SyncGroupInput,
} from '../../../src/broker/group/group-coordinator.js';
import type { JoinGroupResult } from '../../../src/broker/group/group.js';
import { MemoryOffsetStore } from '../../../src/broker/group/offset-store.js';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import { Writer } from '../../../src/broker/protocol/writer.js';
import { FakeClock } from './fake-clock.js';

const SESSION = 10_000;
const REBALANCE = 30_000;
const range = { name: 'range', metadata: Buffer.from('range-meta') };
const roundrobin = { name: 'roundrobin', metadata: Buffer.from('rr-meta') };

function setup(options: { initialRebalanceDelayMs?: number } = {}) {
  const clock = new FakeClock();
  let n = 0;
  const coordinator = new GroupCoordinator({
    offsets: new MemoryOffsetStore(),
    clock,
    newMemberId: (clientId) => `${clientId}-${++n}`,
    ...options,
  });
  return { clock, coordinator };
}

function joinInput(overrides: Partial<JoinGroupInput> = {}): JoinGroupInput {
  return {
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    sessionTimeoutMs: SESSION,
    rebalanceTimeoutMs: REBALANCE,
    protocolType: 'consumer',
    protocols: [range],
    clientId: 'c',
    clientHost: '/127.0.0.1',
    requireKnownMemberId: false,
    ...overrides,
  };
}

/** A SyncGroup for group g; followers send no assignments. */
function syncInput(
  memberId: string,
  generationId: number,
  assignments: SyncGroupInput['assignments'] = [],
): SyncGroupInput {
  return { groupId: 'g', generationId, memberId, assignments };
}

/** A promise plus a synchronous view of whether it has settled, to assert that a join is still waiting. */
function track<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let done = false;
  void promise.then(() => (done = true));
  return { promise, settled: () => done };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

/** Joins a fresh member and completes the rebalance for a group that has no one else waiting. */
async function joinAlone(coordinator: GroupCoordinator, clientId = 'c'): Promise<JoinGroupResult> {
  const joined = await coordinator.joinGroup(joinInput({ clientId }));
  expect(joined.errorCode).toBe(0);
  return joined;
}

/** a joins alone, then b joins and a rejoins: both are in generation 2, which nobody has synced yet. */
async function joinPair(coordinator: GroupCoordinator): Promise<{ a: JoinGroupResult; b: JoinGroupResult }> {
  const a = await joinAlone(coordinator, 'a');
  const bJoin = coordinator.joinGroup(joinInput({ clientId: 'b' }));
  await coordinator.joinGroup(joinInput({ memberId: a.memberId, clientId: 'a' }));
  return { a, b: await bJoin };
}

/** joinPair, then both members sync: a Stable group of two in generation 2, led by a. */
async function stablePair(
  coordinator: GroupCoordinator,
): Promise<{ a: JoinGroupResult; b: JoinGroupResult }> {
  const { a, b } = await joinPair(coordinator);
  await Promise.all([
    coordinator.syncGroup(syncInput(a.memberId, 2)),
    coordinator.syncGroup(syncInput(b.memberId, 2)),
  ]);
  return { a, b };
}

describe('Broker > Group > GroupCoordinator', () => {
  it('gives a first JoinGroup v4+ MEMBER_ID_REQUIRED with an id, then admits that id as leader', async () => {
    const { coordinator } = setup();
    const first = await coordinator.joinGroup(joinInput({ requireKnownMemberId: true }));
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(first.memberId).toBe('c-1');
    expect(coordinator.listGroups()).toEqual([{ groupId: 'g', protocolType: '', state: 'Empty' }]);

    const joined = await coordinator.joinGroup(
      joinInput({ memberId: first.memberId, requireKnownMemberId: true }),
    );
    expect(joined).toMatchObject({
      errorCode: 0,
      generationId: 1,
      leader: 'c-1',
      memberId: 'c-1',
      protocolName: 'range',
    });
    expect(joined.members).toEqual([{ memberId: 'c-1', groupInstanceId: null, metadata: range.metadata }]);

    const synced = await coordinator.syncGroup(
      syncInput('c-1', 1, [{ memberId: 'c-1', assignment: Buffer.from('all') }]),
    );
    expect(synced).toEqual({ errorCode: 0, assignment: Buffer.from('all') });
    expect(coordinator.describeGroup('g')).toMatchObject({ state: 'Stable', protocolName: 'range' });
  });

  it('rebalances when a second member joins: the first learns it by heartbeat, the leader assigns both', async () => {
    const { coordinator } = setup();
    const a = await joinAlone(coordinator, 'a');
    await coordinator.syncGroup(syncInput(a.memberId, 1));

    const bJoin = track(coordinator.joinGroup(joinInput({ clientId: 'b' })));
    await flush();
    expect(bJoin.settled()).toBe(false);
    expect(coordinator.heartbeat('g', 1, a.memberId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);

    const aRejoin = await coordinator.joinGroup(joinInput({ memberId: a.memberId, clientId: 'a' }));
    const b = await bJoin.promise;
    expect(aRejoin).toMatchObject({ generationId: 2, leader: a.memberId });
    expect(aRejoin.members.map((m) => m.memberId).sort()).toEqual([a.memberId, b.memberId].sort());
    expect(b).toMatchObject({ errorCode: 0, generationId: 2, leader: a.memberId, members: [] });

    // The follower's SyncGroup waits for the leader's, which carries everyone's share.
    const bSync = track(coordinator.syncGroup(syncInput(b.memberId, 2)));
    await flush();
    expect(bSync.settled()).toBe(false);
    const aSync = await coordinator.syncGroup(
      syncInput(a.memberId, 2, [
        { memberId: a.memberId, assignment: Buffer.from('p0') },
        { memberId: b.memberId, assignment: Buffer.from('p1') },
      ]),
    );
    expect(aSync.assignment.toString()).toBe('p0');
    expect((await bSync.promise).assignment.toString()).toBe('p1');
    expect(coordinator.heartbeat('g', 2, b.memberId)).toBe(ErrorCode.NONE);
  });

  it('answers heartbeats from unknown members and old generations with their errors', async () => {
    const { coordinator } = setup();
    const a = await joinAlone(coordinator);
    expect(coordinator.heartbeat('g', 1, 'nobody')).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(coordinator.heartbeat('other', 1, a.memberId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(coordinator.heartbeat('g', 0, a.memberId)).toBe(ErrorCode.ILLEGAL_GENERATION);
    const sync = await coordinator.syncGroup(syncInput(a.memberId, 7));
    expect(sync.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    const rejoin = await coordinator.joinGroup(joinInput({ memberId: 'stranger' }));
    expect(rejoin.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('rebalances the rest of the group when a member leaves', async () => {
    const { coordinator } = setup();
    const { a, b } = await stablePair(coordinator);

    expect(coordinator.leaveGroup('g', [a.memberId, 'nobody'])).toEqual([
      ErrorCode.NONE,
      ErrorCode.UNKNOWN_MEMBER_ID,
    ]);
    expect(coordinator.heartbeat('g', 2, b.memberId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const rejoined = await coordinator.joinGroup(joinInput({ memberId: b.memberId, clientId: 'b' }));
    expect(rejoined).toMatchObject({ generationId: 3, leader: b.memberId });
    expect(rejoined.members.map((m) => m.memberId)).toEqual([b.memberId]);

    expect(coordinator.leaveGroup('g', [b.memberId])).toEqual([ErrorCode.NONE]);
    expect(coordinator.describeGroup('g').state).toBe('Dead');
    expect(coordinator.listGroups()).toEqual([]);
  });

  it('removes a member whose session times out and rebalances the others', async () => {
    const { clock, coordinator } = setup();
    const { a, b } = await stablePair(coordinator);

    // b keeps heartbeating, a goes silent.
    for (let t = 0; t < SESSION + 2_000; t += 3_000) {
      clock.advance(3_000);
      if (coordinator.describeGroup('g').state !== 'Stable') break;
      expect(coordinator.heartbeat('g', 2, b.memberId)).toBe(ErrorCode.NONE);
    }
    expect(coordinator.describeGroup('g').members.map((m) => m.memberId)).toEqual([b.memberId]);
    expect(coordinator.heartbeat('g', 2, b.memberId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(coordinator.heartbeat('g', 2, a.memberId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const rejoined = await coordinator.joinGroup(joinInput({ memberId: b.memberId, clientId: 'b' }));
    expect(rejoined).toMatchObject({ generationId: 3, leader: b.memberId });
  });

  it('drops members that do not rejoin within the rebalance timeout', async () => {
    const { clock, coordinator } = setup();
    const a = await joinAlone(coordinator, 'a');
    await coordinator.syncGroup(syncInput(a.memberId, 1));
    const bJoin = track(coordinator.joinGroup(joinInput({ clientId: 'b', sessionTimeoutMs: 60_000 })));
    // a heartbeats (so its session stays alive) but never rejoins.
    for (let t = 0; t < REBALANCE - 3_000; t += 3_000) {
      clock.advance(3_000);
      expect(coordinator.heartbeat('g', 1, a.memberId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    }
    await flush();
    expect(bJoin.settled()).toBe(false);
    clock.advance(3_000);
    const b = await bJoin.promise;
    expect(b).toMatchObject({ errorCode: 0, generationId: 2, leader: b.memberId });
    expect(b.members.map((m) => m.memberId)).toEqual([b.memberId]);
  });

  it('expires a member id handed out with MEMBER_ID_REQUIRED that never comes back', async () => {
    const { clock, coordinator } = setup();
    await coordinator.joinGroup(joinInput({ requireKnownMemberId: true }));
    clock.advance(SESSION + 1);
    expect(coordinator.listGroups()).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('chooses the protocol every member supports, by the members’ preference', async () => {
    const { coordinator } = setup();
    const a = await coordinator.joinGroup(joinInput({ clientId: 'a', protocols: [range, roundrobin] }));
    const bJoin = coordinator.joinGroup(joinInput({ clientId: 'b', protocols: [roundrobin] }));
    const aRejoin = await coordinator.joinGroup(
      joinInput({ memberId: a.memberId, clientId: 'a', protocols: [range, roundrobin] }),
    );
    expect(aRejoin.protocolName).toBe('roundrobin');
    expect(aRejoin.members.find((m) => m.memberId === a.memberId)?.metadata).toEqual(roundrobin.metadata);
    expect((await bJoin).protocolName).toBe('roundrobin');

    const odd = await coordinator.joinGroup(
      joinInput({ protocols: [{ name: 'sticky', metadata: Buffer.alloc(0) }] }),
    );
    expect(odd.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const otherType = await coordinator.joinGroup(
      joinInput({ protocolType: 'connect', protocols: [roundrobin] }),
    );
    expect(otherType.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });

  it('refuses session timeouts outside the allowed range and empty group ids', async () => {
    const { coordinator } = setup();
    expect((await coordinator.joinGroup(joinInput({ sessionTimeoutMs: 100 }))).errorCode).toBe(
      ErrorCode.INVALID_SESSION_TIMEOUT,
    );
    expect((await coordinator.joinGroup(joinInput({ groupId: '' }))).errorCode).toBe(
      ErrorCode.INVALID_GROUP_ID,
    );
  });

  it('checks generation and membership on commit, and lets a group-less client commit with generation -1', async () => {
    const { coordinator } = setup();
    const offsets = [{ topic: 't', partition: 0, offset: 5, leaderEpoch: -1, metadata: null }];
    expect(await coordinator.commitOffsets('simple', -1, '', offsets)).toBe(ErrorCode.NONE);
    expect(coordinator.fetchOffsets('simple', [{ topic: 't', partitions: [0, 1] }])).toMatchObject([
      { partition: 0, offset: 5 },
      { partition: 1, offset: -1 },
    ]);
    expect(coordinator.listGroups()).toEqual([{ groupId: 'simple', protocolType: '', state: 'Empty' }]);
    expect(await coordinator.commitOffsets('nobody-home', 3, 'x', offsets)).toBe(
      ErrorCode.ILLEGAL_GENERATION,
    );

    const a = await joinAlone(coordinator);
    // Between JoinGroup and SyncGroup the assignment is not known yet: no commits.
    expect(await coordinator.commitOffsets('g', 1, a.memberId, offsets)).toBe(
      ErrorCode.REBALANCE_IN_PROGRESS,
    );
    await coordinator.syncGroup(syncInput(a.memberId, 1));
    expect(await coordinator.commitOffsets('g', 1, a.memberId, offsets)).toBe(ErrorCode.NONE);
    expect(await coordinator.commitOffsets('g', 0, a.memberId, offsets)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(await coordinator.commitOffsets('g', 1, 'stranger', offsets)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(await coordinator.commitOffsets('g', -1, '', offsets)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(coordinator.fetchOffsets('g', null)).toMatchObject([{ topic: 't', partition: 0, offset: 5 }]);
  });

  it('waits the initial rebalance delay so that members starting together land in one generation', async () => {
    const { clock, coordinator } = setup({ initialRebalanceDelayMs: 3_000 });
    const aJoin = track(coordinator.joinGroup(joinInput({ clientId: 'a' })));
    const bJoin = track(coordinator.joinGroup(joinInput({ clientId: 'b' })));
    await flush();
    expect(aJoin.settled()).toBe(false);
    clock.advance(3_000);
    const [a, b] = await Promise.all([aJoin.promise, bJoin.promise]);
    expect(a.generationId).toBe(1);
    expect(b.generationId).toBe(1);
    expect(a.members).toHaveLength(2);
  });

  it('describes members with their client, metadata and assignment', async () => {
    const { coordinator } = setup();
    const a = await joinAlone(coordinator, 'a');
    await coordinator.syncGroup(
      syncInput(a.memberId, 1, [{ memberId: a.memberId, assignment: Buffer.from('mine') }]),
    );
    expect(coordinator.describeGroup('g')).toEqual({
      groupId: 'g',
      state: 'Stable',
      protocolType: 'consumer',
      protocolName: 'range',
      members: [
        {
          memberId: a.memberId,
          groupInstanceId: null,
          clientId: 'a',
          clientHost: '/127.0.0.1',
          metadata: range.metadata,
          assignment: Buffer.from('mine'),
        },
      ],
    });
  });

  it('gives a follower that rejoins unchanged the current generation, but rebalances when the leader rejoins', async () => {
    const { coordinator } = setup();
    const { a, b } = await stablePair(coordinator);

    const again = await coordinator.joinGroup(joinInput({ memberId: b.memberId, clientId: 'b' }));
    expect(again).toMatchObject({ errorCode: 0, generationId: 2, leader: a.memberId, members: [] });
    expect(coordinator.describeGroup('g').state).toBe('Stable');

    const leaderRejoin = track(coordinator.joinGroup(joinInput({ memberId: a.memberId, clientId: 'a' })));
    await flush();
    expect(leaderRejoin.settled()).toBe(false);
    expect(coordinator.heartbeat('g', 2, b.memberId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    await coordinator.joinGroup(joinInput({ memberId: b.memberId, clientId: 'b' }));
    expect((await leaderRejoin.promise).generationId).toBe(3);
  });

  it('sends a member waiting in SyncGroup back to rejoin when a newcomer starts another rebalance', async () => {
    const { coordinator } = setup();
    const { a, b } = await joinPair(coordinator);
    // b waits for the leader's assignment of generation 2…
    const bSync = coordinator.syncGroup(syncInput(b.memberId, 2));
    // …when c arrives before the leader has synced.
    void coordinator.joinGroup(joinInput({ clientId: 'c' }));
    expect((await bSync).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(coordinator.describeGroup('g').state).toBe('PreparingRebalance');
    const late = await coordinator.syncGroup(syncInput(a.memberId, 2));
    expect(late.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });

  it('answers waiting requests and clears every timer on close', async () => {
    const { clock, coordinator } = setup();
    const a = await joinAlone(coordinator, 'a');
    const bJoin = coordinator.joinGroup(joinInput({ clientId: 'b' }));
    await coordinator.close();
    expect((await bJoin).errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect(clock.pendingTimers).toBe(0);
    expect(coordinator.heartbeat('g', 1, a.memberId)).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  });

  describe('deleteGroups', () => {
    it('deletes a group that only has offsets, with them, and refuses one with members', async () => {
      const { coordinator } = setup();
      const offsets = [{ topic: 't', partition: 0, offset: 5, leaderEpoch: -1, metadata: null }];
      await coordinator.commitOffsets('simple', -1, '', offsets);
      await stablePair(coordinator);
      expect(await coordinator.deleteGroups(['simple', 'g', 'nobody', ''])).toEqual([
        ErrorCode.NONE,
        ErrorCode.NON_EMPTY_GROUP,
        ErrorCode.GROUP_ID_NOT_FOUND,
        ErrorCode.INVALID_GROUP_ID,
      ]);
      expect(coordinator.describeGroup('simple').state).toBe('Dead');
      expect(coordinator.fetchOffsets('simple', [{ topic: 't', partitions: [0] }])[0]?.offset).toBe(-1);
      expect(coordinator.listGroups().map((g) => g.groupId)).toEqual(['g']);
    });
  });

  describe('deleteOffsets', () => {
    const commit = async (coordinator: GroupCoordinator, groupId: string, generationId = -1, memberId = '') =>
      expect(
        await coordinator.commitOffsets(groupId, generationId, memberId, [
          { topic: 'subscribed', partition: 0, offset: 1, leaderEpoch: -1, metadata: null },
          { topic: 'other', partition: 0, offset: 2, leaderEpoch: -1, metadata: null },
        ]),
      ).toBe(ErrorCode.NONE);
    const both = [
      { topic: 'subscribed', partition: 0 },
      { topic: 'other', partition: 0 },
    ];
    /** The consumer protocol's Subscription v0: version, [topics], user_data. */
    const subscription = (...topics: string[]) => {
      const w = new Writer().int16(0).int32(topics.length);
      for (const t of topics) w.string(t);
      return { name: 'range', metadata: w.bytes(Buffer.alloc(0)).toBuffer() };
    };

    it('removes every asked-for offset of a group without members', async () => {
      const { coordinator } = setup();
      await commit(coordinator, 'simple');
      expect(await coordinator.deleteOffsets('simple', both)).toEqual({
        errorCode: ErrorCode.NONE,
        partitions: both.map((p) => ({ ...p, errorCode: ErrorCode.NONE })),
      });
      expect(coordinator.describeGroup('simple').state).toBe('Dead');
      expect((await coordinator.deleteOffsets('simple', both)).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    });

    it('keeps the offsets of topics a live consumer group subscribes to', async () => {
      const { coordinator } = setup();
      const a = await coordinator.joinGroup(joinInput({ protocols: [subscription('subscribed')] }));
      await coordinator.syncGroup(syncInput(a.memberId, 1));
      await commit(coordinator, 'g', 1, a.memberId);
      const result = await coordinator.deleteOffsets('g', both);
      expect(result.partitions.map((p) => p.errorCode)).toEqual([
        ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC,
        ErrorCode.NONE,
      ]);
      const left = coordinator.fetchOffsets('g', null).map((o) => o.topic);
      expect(left).toEqual(['subscribed']);
    });

    it('keeps everything when the subscriptions do not parse, or the group is not a consumer group', async () => {
      const { coordinator } = setup();
      const a = await coordinator.joinGroup(joinInput()); // metadata "range-meta": no Subscription
      await coordinator.syncGroup(syncInput(a.memberId, 1));
      await commit(coordinator, 'g', 1, a.memberId);
      const result = await coordinator.deleteOffsets('g', both);
      expect(result.partitions.every((p) => p.errorCode === ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC)).toBe(true);
      await coordinator.joinGroup(joinInput({ groupId: 'connect', protocolType: 'connect' }));
      expect((await coordinator.deleteOffsets('connect', both)).errorCode).toBe(ErrorCode.NON_EMPTY_GROUP);
      expect(coordinator.fetchOffsets('g', null)).toHaveLength(2);
    });
  });
});
