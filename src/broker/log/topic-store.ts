import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { BrokerConfig } from '../broker-state.js';
import { PartitionLog } from './partition-log.js';
import { topicNameProblem } from './topic-name.js';

export type CreateTopicOutcome =
  | { ok: true }
  | {
      ok: false;
      error: 'TOPIC_ALREADY_EXISTS' | 'INVALID_TOPIC_EXCEPTION' | 'INVALID_PARTITIONS';
      message: string;
    };

/**
 * The broker's topics. On disk a topic is one directory per partition, `<dataDir>/<topic>-<partition>`,
 * as in Kafka; the partition count is the number of those directories. Deleting a topic renames its
 * directories out of the way first, so a crash during the delete cannot resurrect half a topic.
 */
export class TopicStore {
  private readonly topics = new Map<string, PartitionLog[]>();
  private readonly creating = new Map<string, Promise<CreateTopicOutcome>>();

  private constructor(
    readonly dataDir: string,
    private readonly config: BrokerConfig,
    private readonly log: (line: string) => void,
  ) {}

  static async open(dataDir: string, config: BrokerConfig, log: (line: string) => void): Promise<TopicStore> {
    await mkdir(dataDir, { recursive: true });
    const store = new TopicStore(dataDir, config, log);
    const found = new Map<string, number>();
    for (const entry of await readdir(dataDir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      if (entry.name.endsWith('.deleted')) {
        await rm(path.join(dataDir, entry.name), { recursive: true, force: true });
        continue;
      }
      const m = /^(.+)-(\d+)$/.exec(entry.name);
      if (m === null || topicNameProblem(m[1]!) !== null) continue;
      found.set(m[1]!, Math.max(found.get(m[1]!) ?? 0, Number(m[2]) + 1));
    }
    for (const [topic, count] of found) store.topics.set(topic, await store.openPartitions(topic, count));
    return store;
  }

  private async openPartitions(topic: string, count: number): Promise<PartitionLog[]> {
    const logs: PartitionLog[] = [];
    for (let p = 0; p < count; p++)
      logs.push(
        await PartitionLog.open(path.join(this.dataDir, `${topic}-${p}`), topic, p, this.config, this.log),
      );
    return logs;
  }

  /** Number of partitions of `topic`, or undefined if it does not exist. */
  partitionCount(topic: string): number | undefined {
    return this.topics.get(topic)?.length;
  }

  /** Every topic name, sorted. */
  topicNames(): string[] {
    return [...this.topics.keys()].sort();
  }

  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.topics.get(topic)?.[partition];
  }

  allPartitions(): PartitionLog[] {
    return [...this.topics.values()].flat();
  }

  async create(topic: string, partitions: number): Promise<CreateTopicOutcome> {
    const problem = topicNameProblem(topic);
    if (problem !== null) return { ok: false, error: 'INVALID_TOPIC_EXCEPTION', message: problem };
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > 10_000)
      return {
        ok: false,
        error: 'INVALID_PARTITIONS',
        message: `partitions must be 1..10000, got ${partitions}`,
      };
    if (this.topics.has(topic) || this.creating.has(topic))
      return { ok: false, error: 'TOPIC_ALREADY_EXISTS', message: `topic "${topic}" already exists` };
    const creation = this.openPartitions(topic, partitions).then((logs): CreateTopicOutcome => {
      this.topics.set(topic, logs);
      this.log(`created topic ${topic} with ${partitions} partitions`);
      return { ok: true };
    });
    this.creating.set(topic, creation);
    try {
      return await creation;
    } finally {
      this.creating.delete(topic);
    }
  }

  /**
   * The topic's partition count, creating the topic with the default count when auto-creation is on.
   * Returns undefined when it does not exist and cannot be created (invalid name, auto-create off).
   */
  async ensure(topic: string): Promise<number | undefined> {
    const existing = this.topics.get(topic)?.length;
    if (existing !== undefined) return existing;
    const pending = this.creating.get(topic);
    if (pending !== undefined) {
      await pending;
      return this.topics.get(topic)?.length;
    }
    if (!this.config.autoCreateTopics || topicNameProblem(topic) !== null) return undefined;
    await this.create(topic, this.config.defaultPartitions);
    return this.topics.get(topic)?.length;
  }

  async delete(topic: string): Promise<boolean> {
    const logs = this.topics.get(topic);
    if (logs === undefined) return false;
    this.topics.delete(topic);
    await Promise.all(logs.map((l) => l.close()));
    const stamp = Date.now();
    for (const log of logs) {
      const parked = `${log.dir}.${stamp}.deleted`;
      await rename(log.dir, parked);
      await rm(parked, { recursive: true, force: true });
    }
    this.log(`deleted topic ${topic}`);
    return true;
  }

  async applyRetention(now = Date.now()): Promise<void> {
    for (const log of this.allPartitions()) {
      const deleted = await log.applyRetention(now);
      if (deleted > 0) this.log(`${log.topic}-${log.partition}: retention deleted ${deleted} segment(s)`);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.creating.values());
    await Promise.all(this.allPartitions().map((l) => l.close()));
  }
}
