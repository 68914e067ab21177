/*
 * OffsetCommit Request (Version: 6) => group_id generation_id member_id [topics]
 *   group_id => STRING
 *   generation_id => INT32
 *   member_id => STRING
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index committed_offset committed_leader_epoch committed_metadata
 *       partition_index => INT32
 *       committed_offset => INT64
 *       committed_leader_epoch => INT32
 *       committed_metadata => NULLABLE_STRING
 *
 * OffsetCommit Response (Version: 6) => throttle_time_ms [topics]
 *   (same layout as v5)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { Reader } from '../reader.js';
import type { OffsetCommitPartition, OffsetCommitRequest, OffsetCommitResponse } from './index.js';
import { readTopics } from './v0.js';
import { v5 } from './v5.js';

export function readEpochPartition(p: Reader): OffsetCommitPartition {
  const partitionIndex = p.int32();
  const committedOffset = p.int64AsNumber();
  const committedLeaderEpoch = p.int32();
  const committedMetadata = p.nullableString();
  return { partitionIndex, committedOffset, committedLeaderEpoch, commitTimestamp: -1, committedMetadata };
}

export const v6: ApiVersionCodec<OffsetCommitRequest, OffsetCommitResponse> = {
  decodeRequest(r) {
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    const topics = readTopics(r, readEpochPartition);
    return { groupId, generationId, memberId, groupInstanceId: null, retentionTimeMs: -1, topics };
  },
  encodeResponse: v5.encodeResponse,
};
