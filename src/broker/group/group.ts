import type { TimerHandle } from './clock.js';
import { commonProtocols, type GroupProtocol } from './protocol-selection.js';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface JoinedMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

export interface JoinGroupResult {
  errorCode: number;
  generationId: number;
  protocolName: string;
  leader: string;
  memberId: string;
  /** Filled for the leader only: every member with its metadata for the chosen protocol. */
  members: JoinedMember[];
}

export interface SyncGroupResult {
  errorCode: number;
  assignment: Buffer;
}

/** One consumer in a group, as the coordinator tracks it between requests. */
export interface Member {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: GroupProtocol[];
  /** What the leader assigned to this member in the current generation (opaque to the broker). */
  assignment: Buffer;
  /** Set while the member's JoinGroup waits for the rebalance to complete. */
  pendingJoin: ((result: JoinGroupResult) => void) | null;
  /** Set while the member's SyncGroup waits for the leader's assignment. */
  pendingSync: ((result: SyncGroupResult) => void) | null;
  sessionTimer: TimerHandle | null;
}

/**
 * The state of one group. Plain data plus queries; every transition is made by the coordinator, which is
 * the one place that knows the protocol's rules.
 */
export class Group {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, Member>();
  /** Member ids handed out with MEMBER_ID_REQUIRED that have not rejoined yet, with their expiry timers. */
  readonly pendingMemberIds = new Map<string, TimerHandle>();
  /** Fires at the rebalance timeout: members that have not rejoined by then are dropped. */
  rebalanceTimer: TimerHandle | null = null;
  /** Fires when the initial rebalance delay of a group that was empty has passed. */
  delayTimer: TimerHandle | null = null;
  /** Before this time a rebalance out of Empty does not complete, so that more members can arrive. */
  earliestCompletion = 0;

  constructor(readonly groupId: string) {}

  /** Members can join with these protocols only if they share one with everyone already in the group. */
  acceptsProtocols(protocolType: string, protocols: readonly GroupProtocol[]): boolean {
    if (this.members.size === 0) return protocolType.length > 0 && protocols.length > 0;
    if (protocolType !== this.protocolType) return false;
    const members = [...this.members.values()].map((m) => m.protocols);
    return commonProtocols([...members, protocols]).size > 0;
  }

  allMembersRejoined(): boolean {
    if (this.pendingMemberIds.size > 0) return false;
    for (const m of this.members.values()) if (!m.pendingJoin) return false;
    return true;
  }

  /** How long the group waits for members to rejoin: the longest rebalance timeout any of them asked for. */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  metadataFor(member: Member): Buffer {
    return member.protocols.find((p) => p.name === this.protocolName)?.metadata ?? Buffer.alloc(0);
  }

  /** The JoinGroup answer for the current generation, as the leader or a follower sees it. */
  joinResultFor(member: Member): JoinGroupResult {
    const isLeader = member.memberId === this.leaderId;
    return {
      errorCode: 0,
      generationId: this.generationId,
      protocolName: this.protocolName ?? '',
      leader: this.leaderId ?? '',
      memberId: member.memberId,
      members: isLeader
        ? [...this.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            metadata: this.metadataFor(m),
          }))
        : [],
    };
  }
}

export function sameProtocols(a: readonly GroupProtocol[], b: readonly GroupProtocol[]): boolean {
  return (
    a.length === b.length && a.every((p, i) => p.name === b[i]!.name && p.metadata.equals(b[i]!.metadata))
  );
}
