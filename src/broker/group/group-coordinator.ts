import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../protocol/error-codes.js';
import { systemClock, type Clock } from './clock.js';
import {
  Group,
  sameProtocols,
  type GroupState,
  type JoinGroupResult,
  type Member,
  type SyncGroupResult,
} from './group.js';
import type { CommittedOffset, OffsetStore, PartitionRef } from './offset-store.js';
import { subscribedTopics } from './subscription.js';
import type { GroupProtocol } from './protocol-selection.js';
import { selectProtocol } from './protocol-selection.js';

export interface GroupCoordinatorOptions {
  offsets: OffsetStore;
  clock?: Clock;
  /** Kafka's group.min.session.timeout.ms / group.max.session.timeout.ms. */
  minSessionTimeoutMs?: number;
  maxSessionTimeoutMs?: number;
  /**
   * Kafka's group.initial.rebalance.delay.ms: how long the first rebalance of an empty group waits for
   * more members. Kafka's default is 3 s; a development broker defaults to 0 so a consumer starts at once.
   */
  initialRebalanceDelayMs?: number;
  /** Member ids are `${clientId}-${uuid}` as in Kafka; tests may make them predictable. */
  newMemberId?: (clientId: string) => string;
}

export interface JoinGroupInput {
  groupId: string;
  /** Empty on a member's first join. */
  memberId: string;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: GroupProtocol[];
  clientId: string;
  clientHost: string;
  /** JoinGroup v4+: a first join gets MEMBER_ID_REQUIRED with its id and must join again with it. */
  requireKnownMemberId: boolean;
}

export interface SyncGroupInput {
  groupId: string;
  generationId: number;
  memberId: string;
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface GroupDescription {
  groupId: string;
  state: GroupState;
  protocolType: string;
  protocolName: string;
  members: {
    memberId: string;
    groupInstanceId: string | null;
    clientId: string;
    clientHost: string;
    metadata: Buffer;
    assignment: Buffer;
  }[];
}

export interface GroupListing {
  groupId: string;
  protocolType: string;
  state: GroupState;
}

export type OffsetCommitInput = Omit<CommittedOffset, 'commitTimestamp'>;

export interface OffsetDeleteResult {
  /** Group-level; when not NONE, no partition was looked at. */
  errorCode: number;
  partitions: (PartitionRef & { errorCode: number })[];
}

const joinError = (errorCode: number, memberId: string): JoinGroupResult => ({
  errorCode,
  generationId: -1,
  protocolName: '',
  leader: '',
  memberId,
  members: [],
});

const syncError = (errorCode: number): SyncGroupResult => ({ errorCode, assignment: Buffer.alloc(0) });

/**
 * Kafka's group coordinator for one broker: the join/sync/heartbeat state machine, session timeouts,
 * rebalances, and the generation checks that guard offset commits. It does no I/O of its own (offsets go
 * through the injected store, time through the injected clock), so it is tested without sockets or sleeps.
 *
 * A rebalance: any change of membership moves the group to PreparingRebalance; every member learns it from
 * REBALANCE_IN_PROGRESS on its next heartbeat and sends JoinGroup, which is held until all known members
 * have joined or the rebalance timeout drops the missing ones. Then the generation increments, the leader
 * gets the member list and computes the assignment (the broker never interprets it), and the group waits
 * in CompletingRebalance for the leader's SyncGroup, which releases every member's SyncGroup with its share.
 */
export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();
  private readonly clock: Clock;
  private readonly offsets: OffsetStore;
  private readonly minSessionTimeoutMs: number;
  private readonly maxSessionTimeoutMs: number;
  private readonly initialRebalanceDelayMs: number;
  private readonly newMemberId: (clientId: string) => string;
  private closed = false;

  constructor(options: GroupCoordinatorOptions) {
    this.offsets = options.offsets;
    this.clock = options.clock ?? systemClock;
    this.minSessionTimeoutMs = options.minSessionTimeoutMs ?? 6_000;
    this.maxSessionTimeoutMs = options.maxSessionTimeoutMs ?? 1_800_000;
    this.initialRebalanceDelayMs = options.initialRebalanceDelayMs ?? 0;
    this.newMemberId = options.newMemberId ?? ((clientId) => `${clientId}-${randomUUID()}`);
  }

  joinGroup(input: JoinGroupInput): Promise<JoinGroupResult> {
    if (this.closed) return Promise.resolve(joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, input.memberId));
    if (!input.groupId) return Promise.resolve(joinError(ErrorCode.INVALID_GROUP_ID, input.memberId));
    if (
      input.sessionTimeoutMs < this.minSessionTimeoutMs ||
      input.sessionTimeoutMs > this.maxSessionTimeoutMs
    ) {
      return Promise.resolve(joinError(ErrorCode.INVALID_SESSION_TIMEOUT, input.memberId));
    }
    const group = this.groups.get(input.groupId) ?? new Group(input.groupId);
    if (!group.acceptsProtocols(input.protocolType, input.protocols)) {
      return Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, input.memberId));
    }
    this.groups.set(group.groupId, group);
    return new Promise((resolve) => {
      if (input.memberId === '') this.joinUnknownMember(group, input, resolve);
      else this.joinKnownMember(group, input, resolve);
    });
  }

  private joinUnknownMember(
    group: Group,
    input: JoinGroupInput,
    respond: (r: JoinGroupResult) => void,
  ): void {
    const memberId = this.newMemberId(input.clientId);
    if (input.requireKnownMemberId) {
      // The id is reserved for one session timeout; the rebalance waits for it like for a known member.
      const timer = this.clock.setTimer(input.sessionTimeoutMs, () =>
        this.expirePendingMemberId(group, memberId),
      );
      group.pendingMemberIds.set(memberId, timer);
      respond(joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId));
      return;
    }
    this.addMemberAndRebalance(group, memberId, input, respond);
  }

  private joinKnownMember(group: Group, input: JoinGroupInput, respond: (r: JoinGroupResult) => void): void {
    if (this.takePendingMemberId(group, input.memberId)) {
      this.addMemberAndRebalance(group, input.memberId, input, respond);
      return;
    }
    const member = group.members.get(input.memberId);
    if (!member) {
      respond(joinError(ErrorCode.UNKNOWN_MEMBER_ID, input.memberId));
      this.removeGroupIfEmpty(group);
      return;
    }
    const unchanged = sameProtocols(member.protocols, input.protocols);
    switch (group.state) {
      case 'PreparingRebalance':
        this.updateMember(member, input, respond);
        this.tryCompleteJoin(group);
        return;
      case 'CompletingRebalance':
      case 'Stable':
        // A follower that rejoins with nothing new just gets the current generation back (as Kafka does);
        // the leader rejoining, or anyone's subscription changing, needs a new assignment.
        if (unchanged && (group.state === 'CompletingRebalance' || member.memberId !== group.leaderId)) {
          this.touchSession(group, member);
          respond(group.joinResultFor(member));
          return;
        }
        this.updateMember(member, input, respond);
        this.prepareRebalance(group);
        return;
      default:
        respond(joinError(ErrorCode.UNKNOWN_MEMBER_ID, input.memberId));
    }
  }

  private addMemberAndRebalance(
    group: Group,
    memberId: string,
    input: JoinGroupInput,
    respond: (r: JoinGroupResult) => void,
  ): void {
    const member: Member = {
      memberId,
      groupInstanceId: input.groupInstanceId,
      clientId: input.clientId,
      clientHost: input.clientHost,
      sessionTimeoutMs: input.sessionTimeoutMs,
      rebalanceTimeoutMs: input.rebalanceTimeoutMs,
      protocols: copyProtocols(input.protocols),
      assignment: Buffer.alloc(0),
      pendingJoin: respond,
      pendingSync: null,
      sessionTimer: null,
    };
    if (group.members.size === 0) group.protocolType = input.protocolType;
    group.members.set(memberId, member);
    group.leaderId ??= memberId;
    if (group.state === 'PreparingRebalance') this.tryCompleteJoin(group);
    else this.prepareRebalance(group);
  }

  private updateMember(member: Member, input: JoinGroupInput, respond: (r: JoinGroupResult) => void): void {
    // A second JoinGroup while one is pending comes from a client that gave up on the first (its
    // connection is usually gone); the newer request is the one that gets the answer.
    this.answerJoin(member, joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId));
    member.protocols = copyProtocols(input.protocols);
    member.sessionTimeoutMs = input.sessionTimeoutMs;
    member.rebalanceTimeoutMs = input.rebalanceTimeoutMs;
    member.clientId = input.clientId;
    member.clientHost = input.clientHost;
    member.pendingJoin = respond;
  }

  private prepareRebalance(group: Group): void {
    const fromEmpty = group.state === 'Empty';
    if (group.state === 'CompletingRebalance') {
      // Members waiting for an assignment of the old generation will never get one: send them to rejoin.
      for (const m of group.members.values()) this.answerSync(m, syncError(ErrorCode.REBALANCE_IN_PROGRESS));
    }
    group.state = 'PreparingRebalance';
    const now = this.clock.now();
    this.clearGroupTimers(group);
    group.rebalanceTimer = this.clock.setTimer(group.rebalanceTimeoutMs(), () =>
      this.onRebalanceTimeout(group),
    );
    group.earliestCompletion = fromEmpty ? now + this.initialRebalanceDelayMs : now;
    if (fromEmpty && this.initialRebalanceDelayMs > 0) {
      group.delayTimer = this.clock.setTimer(this.initialRebalanceDelayMs, () => {
        group.delayTimer = null;
        this.tryCompleteJoin(group);
      });
    }
    this.tryCompleteJoin(group);
  }

  private tryCompleteJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance') return;
    if (this.clock.now() < group.earliestCompletion) return;
    if (group.allMembersRejoined()) this.completeJoin(group);
  }

  private onRebalanceTimeout(group: Group): void {
    group.rebalanceTimer = null;
    if (group.state !== 'PreparingRebalance') return;
    for (const m of [...group.members.values()]) {
      if (!m.pendingJoin) this.dropMember(group, m);
    }
    this.completeJoin(group);
  }

  private completeJoin(group: Group): void {
    this.clearGroupTimers(group);
    group.generationId += 1;
    if (group.members.size === 0) {
      group.state = 'Empty';
      group.protocolName = null;
      group.leaderId = null;
      this.removeGroupIfEmpty(group);
      return;
    }
    const members = [...group.members.values()];
    group.protocolName = selectProtocol(members.map((m) => m.protocols));
    if (!group.leaderId || !group.members.has(group.leaderId)) group.leaderId = members[0]!.memberId;
    group.state = 'CompletingRebalance';
    for (const m of members) {
      m.assignment = Buffer.alloc(0);
      this.answerJoin(m, group.joinResultFor(m));
      this.touchSession(group, m);
    }
  }

  syncGroup(input: SyncGroupInput): Promise<SyncGroupResult> {
    const group = this.groups.get(input.groupId);
    const member = group?.members.get(input.memberId);
    if (this.closed) return Promise.resolve(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!group || !member) return Promise.resolve(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (input.generationId !== group.generationId)
      return Promise.resolve(syncError(ErrorCode.ILLEGAL_GENERATION));
    if (group.state === 'PreparingRebalance')
      return Promise.resolve(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
    this.touchSession(group, member);
    if (group.state === 'Stable') return Promise.resolve({ errorCode: 0, assignment: member.assignment });
    return new Promise((resolve) => {
      member.pendingSync?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      member.pendingSync = resolve;
      if (member.memberId === group.leaderId) this.applyAssignment(group, input.assignments);
    });
  }

  private applyAssignment(group: Group, assignments: SyncGroupInput['assignments']): void {
    const byMember = new Map(assignments.map((a) => [a.memberId, a.assignment]));
    group.state = 'Stable';
    for (const m of group.members.values()) {
      // Copied: the request buffer is a view into a frame the server reuses.
      m.assignment = Buffer.from(byMember.get(m.memberId) ?? Buffer.alloc(0));
      this.answerSync(m, { errorCode: 0, assignment: m.assignment });
    }
  }

  private answerJoin(member: Member, result: JoinGroupResult): void {
    const respond = member.pendingJoin;
    member.pendingJoin = null;
    respond?.(result);
  }

  private answerSync(member: Member, result: SyncGroupResult): void {
    const respond = member.pendingSync;
    member.pendingSync = null;
    respond?.(result);
  }

  heartbeat(groupId: string, generationId: number, memberId: string): number {
    const group = this.groups.get(groupId);
    const member = group?.members.get(memberId);
    if (this.closed) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (!group || !member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    this.touchSession(group, member);
    return group.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  /** Removes the given members (LeaveGroup); one error code per member id, in order. */
  leaveGroup(groupId: string, memberIds: readonly string[]): number[] {
    const group = this.groups.get(groupId);
    return memberIds.map((memberId) => {
      if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (this.takePendingMemberId(group, memberId)) {
        this.tryCompleteJoin(group);
        this.removeGroupIfEmpty(group);
        return ErrorCode.NONE;
      }
      const member = group.members.get(memberId);
      if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
      this.answerJoin(member, joinError(ErrorCode.UNKNOWN_MEMBER_ID, memberId));
      this.removeMemberAndRebalance(group, member);
      return ErrorCode.NONE;
    });
  }

  private removeMemberAndRebalance(group: Group, member: Member): void {
    this.dropMember(group, member);
    if (group.state === 'Stable' || group.state === 'CompletingRebalance') this.prepareRebalance(group);
    else this.tryCompleteJoin(group);
    if (group.state === 'PreparingRebalance' && group.members.size === 0) this.completeJoin(group);
  }

  private dropMember(group: Group, member: Member): void {
    if (member.sessionTimer) this.clock.clearTimer(member.sessionTimer);
    this.answerSync(member, syncError(ErrorCode.REBALANCE_IN_PROGRESS));
    group.members.delete(member.memberId);
    if (group.leaderId === member.memberId) group.leaderId = group.members.keys().next().value ?? null;
  }

  /** Restarts the member's session timeout; called on every request that proves the member is alive. */
  private touchSession(group: Group, member: Member): void {
    if (member.sessionTimer) this.clock.clearTimer(member.sessionTimer);
    member.sessionTimer = this.clock.setTimer(member.sessionTimeoutMs, () =>
      this.onSessionTimeout(group, member),
    );
  }

  private onSessionTimeout(group: Group, member: Member): void {
    member.sessionTimer = null;
    if (group.members.get(member.memberId) !== member) return;
    // A member waiting in JoinGroup or SyncGroup is alive by definition (Kafka keeps it too).
    if (member.pendingJoin || member.pendingSync) {
      this.touchSession(group, member);
      return;
    }
    this.removeMemberAndRebalance(group, member);
  }

  /** Forgets a member id handed out with MEMBER_ID_REQUIRED (stopping its expiry); false if not pending. */
  private takePendingMemberId(group: Group, memberId: string): boolean {
    const timer = group.pendingMemberIds.get(memberId);
    if (timer === undefined) return false;
    this.clock.clearTimer(timer);
    group.pendingMemberIds.delete(memberId);
    return true;
  }

  private expirePendingMemberId(group: Group, memberId: string): void {
    if (!group.pendingMemberIds.delete(memberId)) return;
    this.tryCompleteJoin(group);
    this.removeGroupIfEmpty(group);
  }

  private clearGroupTimers(group: Group): void {
    if (group.rebalanceTimer) this.clock.clearTimer(group.rebalanceTimer);
    if (group.delayTimer) this.clock.clearTimer(group.delayTimer);
    group.rebalanceTimer = null;
    group.delayTimer = null;
  }

  /** An Empty group with no members is forgotten; its committed offsets keep it listed (see listGroups). */
  private removeGroupIfEmpty(group: Group): void {
    if (group.state !== 'Empty' || group.members.size > 0 || group.pendingMemberIds.size > 0) return;
    if (this.groups.get(group.groupId) === group) this.groups.delete(group.groupId);
  }

  /**
   * Whether a member may commit offsets now (Kafka's rules): a commit with generation -1 comes from a
   * client that uses the broker only to store offsets and is accepted while the group has no members;
   * otherwise the member must belong to the current generation, and not while assignments are being
   * handed out.
   */
  private checkCommit(groupId: string, generationId: number, memberId: string): number {
    if (this.closed) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (!groupId) return ErrorCode.INVALID_GROUP_ID;
    const group = this.groups.get(groupId);
    if (!group) return generationId < 0 ? ErrorCode.NONE : ErrorCode.ILLEGAL_GENERATION;
    if (generationId < 0 && group.state === 'Empty') return ErrorCode.NONE;
    const member = group.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    if (group.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    this.touchSession(group, member);
    return ErrorCode.NONE;
  }

  /** Checks the member's right to commit, then stores the offsets durably; the group-level error code. */
  async commitOffsets(
    groupId: string,
    generationId: number,
    memberId: string,
    offsets: readonly OffsetCommitInput[],
  ): Promise<number> {
    const error = this.checkCommit(groupId, generationId, memberId);
    if (error !== ErrorCode.NONE) return error;
    const commitTimestamp = this.clock.now();
    await this.offsets.commit(
      groupId,
      offsets.map((o) => ({ ...o, commitTimestamp })),
    );
    return ErrorCode.NONE;
  }

  /** The committed offset of each partition asked for, or of all the group's partitions when `topics` is null. */
  fetchOffsets(
    groupId: string,
    topics: readonly { topic: string; partitions: readonly number[] }[] | null,
  ): CommittedOffset[] {
    if (topics === null) return this.offsets.list(groupId);
    const missing = (topic: string, partition: number): CommittedOffset => ({
      topic,
      partition,
      offset: -1,
      leaderEpoch: -1,
      metadata: '',
      commitTimestamp: -1,
    });
    return topics.flatMap(({ topic, partitions }) =>
      partitions.map((p) => this.offsets.get(groupId, topic, p) ?? missing(topic, p)),
    );
  }

  describeGroup(groupId: string): GroupDescription {
    const group = this.groups.get(groupId);
    if (!group) {
      const known = this.offsets.list(groupId).length > 0;
      return { groupId, state: known ? 'Empty' : 'Dead', protocolType: '', protocolName: '', members: [] };
    }
    // Like Kafka, the protocol, metadata and assignments are shown only for a Stable group.
    const settled = group.state === 'Stable';
    return {
      groupId,
      state: group.state,
      protocolType: group.protocolType ?? '',
      protocolName: settled ? (group.protocolName ?? '') : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: settled ? group.metadataFor(m) : Buffer.alloc(0),
        assignment: settled ? m.assignment : Buffer.alloc(0),
      })),
    };
  }

  listGroups(): GroupListing[] {
    const listed = new Map<string, GroupListing>();
    for (const groupId of this.offsets.groupIds())
      listed.set(groupId, { groupId, protocolType: '', state: 'Empty' });
    for (const g of this.groups.values()) {
      listed.set(g.groupId, { groupId: g.groupId, protocolType: g.protocolType ?? '', state: g.state });
    }
    return [...listed.values()].sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }

  /**
   * DeleteGroups: a group can be deleted when it has no members (Kafka's Empty); its committed offsets go
   * with it. One error code per group id, in order: GROUP_ID_NOT_FOUND for a group with neither members
   * nor offsets, NON_EMPTY_GROUP while members remain.
   */
  async deleteGroups(groupIds: readonly string[]): Promise<number[]> {
    return Promise.all(
      groupIds.map(async (groupId) => {
        if (this.closed) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
        if (!groupId) return ErrorCode.INVALID_GROUP_ID;
        const group = this.groups.get(groupId);
        if (group && (group.state !== 'Empty' || group.members.size > 0 || group.pendingMemberIds.size > 0))
          return ErrorCode.NON_EMPTY_GROUP;
        if (!group && this.offsets.list(groupId).length === 0) return ErrorCode.GROUP_ID_NOT_FOUND;
        if (group) this.groups.delete(groupId);
        await this.offsets.remove(groupId, null);
        return ErrorCode.NONE;
      }),
    );
  }

  /**
   * OffsetDelete: forgets the committed offsets of some partitions. As in Kafka, an Empty group loses
   * them all; a group with members keeps those of topics its members subscribe to
   * (GROUP_SUBSCRIBED_TO_TOPIC for those partitions) and a non-consumer group with members keeps
   * everything (NON_EMPTY_GROUP).
   */
  async deleteOffsets(groupId: string, partitions: readonly PartitionRef[]): Promise<OffsetDeleteResult> {
    const refuse = (errorCode: number): OffsetDeleteResult => ({ errorCode, partitions: [] });
    if (this.closed) return refuse(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (!groupId) return refuse(ErrorCode.INVALID_GROUP_ID);
    const group = this.groups.get(groupId);
    if (!group && this.offsets.list(groupId).length === 0) return refuse(ErrorCode.GROUP_ID_NOT_FOUND);
    let subscribed: (topic: string) => boolean = () => false;
    if (group && group.members.size > 0) {
      if (group.protocolType !== 'consumer') return refuse(ErrorCode.NON_EMPTY_GROUP);
      const topics = subscribedTopics(group);
      subscribed = (topic) => topics === null || topics.has(topic);
    }
    const results = partitions.map((p) => ({
      ...p,
      errorCode: subscribed(p.topic) ? ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC : ErrorCode.NONE,
    }));
    const removable = results.filter((p) => p.errorCode === ErrorCode.NONE);
    if (removable.length > 0) await this.offsets.remove(groupId, removable);
    return { errorCode: ErrorCode.NONE, partitions: results };
  }

  /** Stops every timer and answers every waiting request, then closes the offset store. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const group of this.groups.values()) {
      this.clearGroupTimers(group);
      for (const timer of group.pendingMemberIds.values()) this.clock.clearTimer(timer);
      for (const m of group.members.values()) {
        if (m.sessionTimer) this.clock.clearTimer(m.sessionTimer);
        this.answerJoin(m, joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, m.memberId));
        this.answerSync(m, syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
      }
    }
    this.groups.clear();
    await this.offsets.close();
  }
}

function copyProtocols(protocols: readonly GroupProtocol[]): GroupProtocol[] {
  return protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) }));
}
