/*
 * OffsetCommit Request (Version: 1) => group_id generation_id member_id [topics]
 *   group_id => STRING
 *   generation_id => INT32
 *   member_id => STRING
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index committed_offset commit_timestamp committed_metadata
 *       partition_index => INT32
 *       committed_offset => INT64
 *       commit_timestamp => INT64
 *       committed_metadata => NULLABLE_STRING
 *
 * OffsetCommit Response (Version: 1) => [topics]
 *   (same layout as v0)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { OffsetCommitRequest, OffsetCommitResponse } from './index.js';
import { readTopics, writeTopics } from './v0.js';

export const v1: ApiVersionCodec<OffsetCommitRequest, OffsetCommitResponse> = {
  decodeRequest(r) {
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    const topics = readTopics(r, (p) => {
      const partitionIndex = p.int32();
      const committedOffset = p.int64AsNumber();
      const commitTimestamp = p.int64AsNumber();
      const committedMetadata = p.nullableString();
      return {
        partitionIndex,
        committedOffset,
        committedLeaderEpoch: -1,
        commitTimestamp,
        committedMetadata,
      };
    });
    return { groupId, generationId, memberId, groupInstanceId: null, retentionTimeMs: -1, topics };
  },
  encodeResponse: writeTopics,
};
