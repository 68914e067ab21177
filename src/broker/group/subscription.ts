import { Reader } from '../protocol/reader.js';
import type { Group } from './group.js';

/**
 * The topics a consumer group's members subscribe to, read from their JoinGroup metadata in the consumer
 * protocol's Subscription layout (version INT16, [topics STRING], user_data BYTES, then fields of later
 * versions, which are not needed here). null when any member's metadata does not parse: like Kafka, the
 * coordinator then treats every topic as subscribed, which keeps OffsetDelete from removing offsets a
 * live member may be using.
 */
export function subscribedTopics(group: Group): Set<string> | null {
  const topics = new Set<string>();
  for (const member of group.members.values()) {
    for (const protocol of member.protocols) {
      try {
        const r = new Reader(protocol.metadata);
        r.int16(); // version
        for (const topic of r.array((r) => r.string())) topics.add(topic);
      } catch {
        return null;
      }
    }
  }
  return topics;
}
