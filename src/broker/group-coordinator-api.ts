import type { GroupCoordinator } from './group/group-coordinator.js';
import { ErrorCode } from './protocol/error-codes.js';

/**
 * The broker's view of the group coordinator (consumer groups and committed offsets).
 *
 * Owned by the broker-groups work (src/broker/group/**): the coordinator implementation lives there and
 * its handlers (FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch,
 * DescribeGroups, ListGroups) reach it as `ctx.broker.groups`. The rest of the broker only needs `close`,
 * which stops timers and flushes committed offsets (called once by the broker's close(), after the server
 * stops).
 */
export type GroupCoordinatorApi = Pick<
  GroupCoordinator,
  | 'joinGroup'
  | 'syncGroup'
  | 'heartbeat'
  | 'leaveGroup'
  | 'commitOffsets'
  | 'fetchOffsets'
  | 'describeGroup'
  | 'listGroups'
  | 'close'
>;

const unavailable = ErrorCode.COORDINATOR_NOT_AVAILABLE;

/** Used until a coordinator is constructed in startBroker (and by tests of the log alone): refuses everything. */
export const noGroupCoordinator: GroupCoordinatorApi = {
  joinGroup: async (input) => ({
    errorCode: unavailable,
    generationId: -1,
    protocolName: '',
    leader: '',
    memberId: input.memberId,
    members: [],
  }),
  syncGroup: async () => ({ errorCode: unavailable, assignment: Buffer.alloc(0) }),
  heartbeat: () => unavailable,
  leaveGroup: (_groupId, memberIds) => memberIds.map(() => unavailable),
  commitOffsets: async () => unavailable,
  fetchOffsets: () => [],
  describeGroup: (groupId) => ({ groupId, state: 'Dead', protocolType: '', protocolName: '', members: [] }),
  listGroups: () => [],
  close: async () => {},
};
