import type { GroupCoordinator } from './group/group-coordinator.js';

/**
 * The broker's view of the group coordinator (consumer groups and committed offsets).
 *
 * The implementation lives in src/broker/group/; the group handlers (FindCoordinator, JoinGroup,
 * SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch, DescribeGroups, ListGroups, DeleteGroups,
 * OffsetDelete) reach it as
 * `ctx.broker.groups`. The rest of the broker only needs `close`, which stops timers and flushes committed
 * offsets (called once by the broker's close(), after the server stops).
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
  | 'deleteGroups'
  | 'deleteOffsets'
  | 'close'
>;
