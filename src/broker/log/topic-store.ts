/**
 * The broker's topics and their partition logs. (Skeleton: the log-backed implementation follows.)
 */
export class TopicStore {
  private readonly topics = new Map<string, { partitions: number }>();

  /** Number of partitions of `topic`, or undefined if it does not exist. */
  partitionCount(topic: string): number | undefined {
    return this.topics.get(topic)?.partitions;
  }

  /** Every topic name, sorted. */
  topicNames(): string[] {
    return [...this.topics.keys()].sort();
  }
}
