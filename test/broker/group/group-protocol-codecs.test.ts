import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { ApiDefinition } from '../../../src/broker/protocol/api-definition.js';
import { describeGroupsApi } from '../../../src/broker/protocol/describe-groups/index.js';
import { findCoordinatorApi } from '../../../src/broker/protocol/find-coordinator/index.js';
import { heartbeatApi } from '../../../src/broker/protocol/heartbeat/index.js';
import { joinGroupApi } from '../../../src/broker/protocol/join-group/index.js';
import { leaveGroupApi } from '../../../src/broker/protocol/leave-group/index.js';
import { listGroupsApi } from '../../../src/broker/protocol/list-groups/index.js';
import { offsetCommitApi } from '../../../src/broker/protocol/offset-commit/index.js';
import { offsetFetchApi } from '../../../src/broker/protocol/offset-fetch/index.js';
import { Reader } from '../../../src/broker/protocol/reader.js';
import { syncGroupApi } from '../../../src/broker/protocol/sync-group/index.js';
import { Writer } from '../../../src/broker/protocol/writer.js';
import { sharedVersions } from '../protocol/kafkajs-oracle.js';

// kafkajs's own request encoders and response decoders are the oracle for our codecs.
const require = createRequire(import.meta.url);
interface KafkajsVersion {
  request: { encode(): Promise<{ buffer: Buffer }> };
  response: { decode(raw: Buffer): Promise<Record<string, unknown>> };
}
type KafkajsApi = { protocol(o: { version: number }): (args: object) => KafkajsVersion };
const kafkajs = (name: string): KafkajsApi =>
  require(`kafkajs/src/protocol/requests/${name}/index.js`) as KafkajsApi;

/** Encodes a request with kafkajs and decodes it with our codec, which must consume every byte. */
async function decodeOurs<Req>(
  api: ApiDefinition<Req, unknown>,
  name: string,
  version: number,
  args: object,
) {
  const body = (await kafkajs(name).protocol({ version })(args).request.encode()).buffer;
  const reader = new Reader(body);
  const decoded = api.versions[version]!.decodeRequest(reader);
  expect(reader.remaining).toBe(0);
  return decoded;
}

/** Encodes a response with our codec and decodes it with kafkajs. */
async function decodeTheirs<Res>(api: ApiDefinition<unknown, Res>, name: string, version: number, res: Res) {
  const w = new Writer();
  api.versions[version]!.encodeResponse(w, res);
  return kafkajs(name).protocol({ version })({}).response.decode(w.toBuffer());
}

describe('Protocol > FindCoordinator', () => {
  it.each([0, 1, 2])('v%i', async (v) => {
    expect(await decodeOurs(findCoordinatorApi, 'findCoordinator', v, { groupId: 'g' })).toEqual({
      key: 'g',
      keyType: 0,
    });
    const res = { errorCode: 0, errorMessage: null, nodeId: 1, host: '127.0.0.1', port: 9092 };
    const theirs = await decodeTheirs(findCoordinatorApi, 'findCoordinator', v, res);
    expect(theirs).toMatchObject({ errorCode: 0, coordinator: { nodeId: 1, host: '127.0.0.1', port: 9092 } });
  });
});

describe('Protocol > JoinGroup', () => {
  const protocols = [{ name: 'RoundRobinAssigner', metadata: Buffer.from([0, 1, 2]) }];
  it.each(sharedVersions(joinGroupApi, 5))('v%i', async (v) => {
    const decoded = await decodeOurs(joinGroupApi, 'joinGroup', v, {
      groupId: 'g',
      sessionTimeout: 10_000,
      rebalanceTimeout: 20_000,
      memberId: 'm-1',
      protocolType: 'consumer',
      groupProtocols: protocols,
    });
    expect(decoded).toEqual({
      groupId: 'g',
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: v === 0 ? 10_000 : 20_000,
      memberId: 'm-1',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols,
    });
    const theirs = await decodeTheirs(joinGroupApi, 'joinGroup', v, {
      errorCode: 0,
      generationId: 3,
      protocolName: 'RoundRobinAssigner',
      leader: 'm-1',
      memberId: 'm-1',
      members: [{ memberId: 'm-1', groupInstanceId: null, metadata: Buffer.from('meta') }],
    });
    expect(theirs).toMatchObject({
      errorCode: 0,
      generationId: 3,
      groupProtocol: 'RoundRobinAssigner',
      leaderId: 'm-1',
    });
    expect(theirs.members).toMatchObject([{ memberId: 'm-1', memberMetadata: Buffer.from('meta') }]);
  });
});

describe('Protocol > SyncGroup', () => {
  it.each(sharedVersions(syncGroupApi, 3))('v%i', async (v) => {
    const decoded = await decodeOurs(syncGroupApi, 'syncGroup', v, {
      groupId: 'g',
      generationId: 2,
      memberId: 'm-1',
      groupAssignment: [{ memberId: 'm-1', memberAssignment: Buffer.from('a') }],
    });
    expect(decoded).toEqual({
      groupId: 'g',
      generationId: 2,
      memberId: 'm-1',
      groupInstanceId: null,
      assignments: [{ memberId: 'm-1', assignment: Buffer.from('a') }],
    });
    const theirs = await decodeTheirs(syncGroupApi, 'syncGroup', v, {
      errorCode: 0,
      assignment: Buffer.from('x'),
    });
    expect(theirs).toMatchObject({ errorCode: 0, memberAssignment: Buffer.from('x') });
  });
});

describe('Protocol > Heartbeat', () => {
  it.each(sharedVersions(heartbeatApi, 3))('v%i', async (v) => {
    const args = { groupId: 'g', groupGenerationId: 4, memberId: 'm' };
    expect(await decodeOurs(heartbeatApi, 'heartbeat', v, args)).toEqual({
      groupId: 'g',
      generationId: 4,
      memberId: 'm',
      groupInstanceId: null,
    });
    // kafkajs's parse would throw on an error code; decode just reads it.
    expect(await decodeTheirs(heartbeatApi, 'heartbeat', v, { errorCode: 27 })).toMatchObject({
      errorCode: 27,
    });
  });
});

describe('Protocol > LeaveGroup', () => {
  it.each(sharedVersions(leaveGroupApi, 3))('v%i', async (v) => {
    expect(await decodeOurs(leaveGroupApi, 'leaveGroup', v, { groupId: 'g', memberId: 'm' })).toEqual({
      groupId: 'g',
      members: [{ memberId: 'm', groupInstanceId: null }],
    });
    const res = { errorCode: 0, members: [{ memberId: 'm', groupInstanceId: null, errorCode: 25 }] };
    const theirs = await decodeTheirs(leaveGroupApi, 'leaveGroup', v, res);
    expect(theirs).toMatchObject({ errorCode: 0 });
    if (v === 3) expect(theirs.members).toEqual([{ memberId: 'm', groupInstanceId: null, errorCode: 25 }]);
  });
});

describe('Protocol > OffsetCommit', () => {
  it.each(sharedVersions(offsetCommitApi, 5))('v%i', async (v) => {
    const decoded = await decodeOurs(offsetCommitApi, 'offsetCommit', v, {
      groupId: 'g',
      groupGenerationId: 6,
      memberId: 'm',
      topics: [{ topic: 't', partitions: [{ partition: 2, offset: '12345678901', metadata: 'md' }] }],
    });
    expect(decoded).toMatchObject({
      groupId: 'g',
      generationId: v === 0 ? -1 : 6,
      memberId: v === 0 ? '' : 'm',
      topics: [
        {
          name: 't',
          partitions: [{ partitionIndex: 2, committedOffset: 12345678901, committedMetadata: 'md' }],
        },
      ],
    });
    const res = { topics: [{ name: 't', partitions: [{ partitionIndex: 2, errorCode: 22 }] }] };
    const theirs = await decodeTheirs(offsetCommitApi, 'offsetCommit', v, res);
    expect(theirs.responses).toEqual([{ topic: 't', partitions: [{ partition: 2, errorCode: 22 }] }]);
  });

  it('v7 (librdkafka) reads the leader epoch and the group instance id', () => {
    const w = new Writer()
      .string('g')
      .int32(3)
      .string('m')
      .nullableString('static-1')
      .array([0], (tw) =>
        tw.string('t').array([0], (pw) => pw.int32(1).int64(99).int32(5).nullableString(null)),
      );
    const r = new Reader(w.toBuffer());
    expect(offsetCommitApi.versions[7]!.decodeRequest(r)).toEqual({
      groupId: 'g',
      generationId: 3,
      memberId: 'm',
      groupInstanceId: 'static-1',
      retentionTimeMs: -1,
      topics: [
        {
          name: 't',
          partitions: [
            {
              partitionIndex: 1,
              committedOffset: 99,
              committedLeaderEpoch: 5,
              commitTimestamp: -1,
              committedMetadata: null,
            },
          ],
        },
      ],
    });
    expect(r.remaining).toBe(0);
  });
});

describe('Protocol > OffsetFetch', () => {
  it.each([1, 2, 3, 4])('v%i', async (v) => {
    const decoded = await decodeOurs(offsetFetchApi, 'offsetFetch', v, {
      groupId: 'g',
      topics: [{ topic: 't', partitions: [{ partition: 0 }, { partition: 3 }] }],
    });
    expect(decoded).toEqual({ groupId: 'g', topics: [{ name: 't', partitionIndexes: [0, 3] }] });
    const partition = {
      partitionIndex: 3,
      committedOffset: -1,
      committedLeaderEpoch: -1,
      metadata: '',
      errorCode: 0,
    };
    const theirs = await decodeTheirs(offsetFetchApi, 'offsetFetch', v, {
      topics: [{ name: 't', partitions: [partition] }],
      errorCode: 0,
    });
    expect(theirs.responses).toEqual([
      { topic: 't', partitions: [{ partition: 3, offset: '-1', metadata: '', errorCode: 0 }] },
    ]);
  });

  it('v2+ reads a null topic list as "all partitions"', () => {
    const r = new Reader(new Writer().string('g').int32(-1).toBuffer());
    expect(offsetFetchApi.versions[2]!.decodeRequest(r)).toEqual({ groupId: 'g', topics: null });
  });
});

describe('Protocol > DescribeGroups', () => {
  it.each([0, 1, 2])('v%i', async (v) => {
    expect(await decodeOurs(describeGroupsApi, 'describeGroups', v, { groupIds: ['a', 'b'] })).toEqual({
      groups: ['a', 'b'],
      includeAuthorizedOperations: false,
    });
    const member = {
      memberId: 'm',
      groupInstanceId: null,
      clientId: 'c',
      clientHost: '/127.0.0.1',
      metadata: Buffer.from('md'),
      assignment: Buffer.from('as'),
    };
    const group = {
      errorCode: 0,
      groupId: 'a',
      state: 'Stable' as const,
      protocolType: 'consumer',
      protocolName: 'range',
      members: [member],
      authorizedOperations: -2147483648,
    };
    const theirs = await decodeTheirs(describeGroupsApi, 'describeGroups', v, { groups: [group] });
    expect(theirs.groups).toMatchObject([
      {
        errorCode: 0,
        groupId: 'a',
        state: 'Stable',
        protocolType: 'consumer',
        protocol: 'range',
        members: [{ memberId: 'm', clientId: 'c', clientHost: '/127.0.0.1' }],
      },
    ]);
  });
});

describe('Protocol > ListGroups', () => {
  it.each([0, 1, 2])('v%i', async (v) => {
    expect(await decodeOurs(listGroupsApi, 'listGroups', v, {})).toEqual({});
    const theirs = await decodeTheirs(listGroupsApi, 'listGroups', v, {
      errorCode: 0,
      groups: [{ groupId: 'g', protocolType: 'consumer' }],
    });
    expect(theirs).toMatchObject({ errorCode: 0, groups: [{ groupId: 'g', protocolType: 'consumer' }] });
  });
});
