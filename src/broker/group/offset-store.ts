/** One committed position: the next offset the group will read from (topic, partition). */
export interface CommittedOffset {
  topic: string;
  partition: number;
  offset: number;
  /** -1 when the client did not send one (OffsetCommit before v6). */
  leaderEpoch: number;
  metadata: string | null;
  commitTimestamp: number;
}

export interface PartitionRef {
  topic: string;
  partition: number;
}

/**
 * Where committed offsets live. The coordinator only needs this interface; the broker uses the durable
 * file-backed store (offset-log-store.ts), tests of the state machine an in-memory one.
 */
export interface OffsetStore {
  /** Resolves once the offsets are durable; a commit of several partitions is all-or-nothing. */
  commit(groupId: string, offsets: readonly CommittedOffset[]): Promise<void>;
  get(groupId: string, topic: string, partition: number): CommittedOffset | undefined;
  /**
   * Forgets committed offsets (DeleteGroups, OffsetDelete); resolves once that is durable. `partitions`
   * null forgets every offset the group has when the removal is applied.
   */
  remove(groupId: string, partitions: readonly PartitionRef[] | null): Promise<void>;
  /** Every committed offset of a group, ordered by topic then partition. */
  list(groupId: string): CommittedOffset[];
  /** Groups with at least one committed offset. */
  groupIds(): string[];
  close(): Promise<void>;
}

/** The latest offsets by group and "topic\0partition"; shared by the in-memory and the durable store. */
export class OffsetTable {
  private readonly groups = new Map<string, Map<string, CommittedOffset>>();

  put(groupId: string, offset: CommittedOffset): void {
    let group = this.groups.get(groupId);
    if (!group) this.groups.set(groupId, (group = new Map()));
    group.set(`${offset.topic}\0${offset.partition}`, offset);
  }

  get(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(groupId)?.get(`${topic}\0${partition}`);
  }

  /** A group left without offsets is forgotten, so it no longer lists as Empty. */
  remove(groupId: string, partitions: readonly PartitionRef[] | null): void {
    const group = this.groups.get(groupId);
    if (!group) return;
    if (partitions === null) group.clear();
    else for (const p of partitions) group.delete(`${p.topic}\0${p.partition}`);
    if (group.size === 0) this.groups.delete(groupId);
  }

  list(groupId: string): CommittedOffset[] {
    const offsets = [...(this.groups.get(groupId)?.values() ?? [])];
    return offsets.sort((a, b) =>
      a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition,
    );
  }

  groupIds(): string[] {
    return [...this.groups.keys()];
  }

  /** Number of (group, topic, partition) entries: what a compacted log holds. */
  get size(): number {
    let n = 0;
    for (const group of this.groups.values()) n += group.size;
    return n;
  }
}

export class MemoryOffsetStore implements OffsetStore {
  private readonly table = new OffsetTable();

  async commit(groupId: string, offsets: readonly CommittedOffset[]): Promise<void> {
    for (const o of offsets) this.table.put(groupId, o);
  }
  get(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.table.get(groupId, topic, partition);
  }
  async remove(groupId: string, partitions: readonly PartitionRef[] | null): Promise<void> {
    this.table.remove(groupId, partitions);
  }
  list(groupId: string): CommittedOffset[] {
    return this.table.list(groupId);
  }
  groupIds(): string[] {
    return this.table.groupIds();
  }
  async close(): Promise<void> {}
}
