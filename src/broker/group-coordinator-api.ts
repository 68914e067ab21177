/**
 * The broker's view of the group coordinator (consumer groups and committed offsets).
 *
 * Owned by the broker-groups work (src/broker/group/**): the coordinator implementation lives there and
 * its handlers (FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch,
 * DescribeGroups, ListGroups) reach it as `ctx.broker.groups`. Add here whatever methods those handlers
 * call; the rest of the broker only needs `close`.
 */
export interface GroupCoordinatorApi {
  /** Stops timers and flushes committed offsets; called once by the broker's close(), after the server stops. */
  close(): Promise<void>;
}

/** Used until a coordinator is constructed in startBroker (and by tests of the log alone). */
export const noGroupCoordinator: GroupCoordinatorApi = {
  close: async () => {},
};
