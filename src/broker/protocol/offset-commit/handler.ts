import { ErrorCode } from '../error-codes.js';
import type { ApiHandler } from '../api-definition.js';
import { offsetCommitApi, type OffsetCommitRequest, type OffsetCommitResponse } from './index.js';

/**
 * Partitions of unknown topics are refused one by one (as Kafka does); the rest are committed together,
 * after the coordinator has checked the member's generation, and acknowledged once durable.
 */
export const offsetCommitHandler: ApiHandler<OffsetCommitRequest, OffsetCommitResponse> = {
  api: offsetCommitApi,
  async handle(request, { broker }) {
    const exists = (topic: string, partition: number) =>
      partition >= 0 && partition < (broker.topics.partitionCount(topic) ?? 0);
    const offsets = request.topics.flatMap((t) =>
      t.partitions
        .filter((p) => exists(t.name, p.partitionIndex))
        .map((p) => ({
          topic: t.name,
          partition: p.partitionIndex,
          offset: p.committedOffset,
          leaderEpoch: p.committedLeaderEpoch,
          metadata: p.committedMetadata,
        })),
    );
    const groupError =
      offsets.length > 0
        ? await broker.groups.commitOffsets(request.groupId, request.generationId, request.memberId, offsets)
        : ErrorCode.NONE;
    return {
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: exists(t.name, p.partitionIndex) ? groupError : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        })),
      })),
    };
  },
};
