import type { Admin, Kafka } from 'kafkajs';

/**
 * Consumer-group lag, as `kafka-consumer-groups --describe` shows it: per topic partition the committed
 * offset, the log end, and the difference. It uses only OffsetFetch and ListOffsets (admin fetchOffsets /
 * fetchTopicOffsets), plus DescribeGroups when it can, so it works on any Kafka.
 */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** The group's committed offset (the next offset it will read); null when it has committed none. */
  committed: number | null;
  logStart: number;
  logEnd: number;
  /** logEnd − committed; with no commit, the whole retained log (logEnd − logStart). */
  lag: number;
}

export interface GroupLag {
  group: string;
  /** The group's state (Stable, Empty, …) when the broker answers DescribeGroups. */
  state?: string;
  partitions: PartitionLag[];
  totalLag: number;
}

export interface TopicOffsets {
  topic: string;
  partitions: Array<{ partition: number; low: string | number; high: string | number }>;
}

export interface CommittedOffsets {
  topic: string;
  partitions: Array<{ partition: number; offset: string | number }>;
}

/** Joins committed offsets and log offsets (pure). A negative committed offset means "none". */
export function computeLag(committed: CommittedOffsets[], logs: TopicOffsets[]): PartitionLag[] {
  const rows: PartitionLag[] = [];
  for (const log of logs) {
    const commits = new Map(
      (committed.find((c) => c.topic === log.topic)?.partitions ?? []).map((p) => [
        p.partition,
        Number(p.offset),
      ]),
    );
    for (const p of log.partitions) {
      const logStart = Number(p.low);
      const logEnd = Number(p.high);
      const c = commits.get(p.partition);
      const committedOffset = c === undefined || c < 0 ? null : c;
      rows.push({
        topic: log.topic,
        partition: p.partition,
        committed: committedOffset,
        logStart,
        logEnd,
        lag: Math.max(0, logEnd - (committedOffset ?? logStart)),
      });
    }
  }
  return rows.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
}

/**
 * The lag of `group` on the topics it has committed offsets for (or on `topics` when given;
 * `fallbackTopics` when it has committed nothing, or the broker cannot list a group's topics). Returns
 * undefined when the group is unknown: no committed offsets anywhere and no live members.
 */
export async function fetchGroupLag(
  kafka: Kafka,
  options: { group: string; topics?: string[]; fallbackTopics?: string[] },
): Promise<GroupLag | undefined> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    let topics = options.topics?.filter((t) => existing.has(t));
    let committed: CommittedOffsets[];
    if (topics === undefined) {
      // OffsetFetch v2 and older cannot ask for "every topic"; then nothing comes back and the caller's
      // default topics are asked for instead.
      committed = (await admin.fetchOffsets({ groupId: options.group })).filter((t) =>
        t.partitions.some((p) => Number(p.offset) >= 0),
      );
      topics = committed.map((t) => t.topic).filter((t) => existing.has(t));
      if (topics.length === 0) topics = (options.fallbackTopics ?? []).filter((t) => existing.has(t));
      if (committed.length === 0 && topics.length > 0)
        committed = await admin.fetchOffsets({ groupId: options.group, topics });
    } else {
      committed = topics.length > 0 ? await admin.fetchOffsets({ groupId: options.group, topics }) : [];
    }
    const hasCommits = committed.some((t) => t.partitions.some((p) => Number(p.offset) >= 0));
    const state = await groupState(admin, options.group);
    if (!hasCommits && (state === undefined || state === 'Dead')) return undefined;
    const logs: TopicOffsets[] = [];
    for (const topic of topics) logs.push({ topic, partitions: await admin.fetchTopicOffsets(topic) });
    const partitions = computeLag(committed, logs);
    return {
      group: options.group,
      state,
      partitions,
      totalLag: partitions.reduce((sum, p) => sum + p.lag, 0),
    };
  } finally {
    await admin.disconnect();
  }
}

async function groupState(admin: Admin, group: string): Promise<string | undefined> {
  try {
    const { groups } = await admin.describeGroups([group]);
    return groups[0]?.state;
  } catch {
    return undefined; // a broker without DescribeGroups: the offsets alone decide
  }
}
