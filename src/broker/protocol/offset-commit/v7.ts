/*
 * OffsetCommit Request (Version: 7) => group_id generation_id member_id group_instance_id [topics]
 *   group_id => STRING
 *   generation_id => INT32
 *   member_id => STRING
 *   group_instance_id => NULLABLE_STRING
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index committed_offset committed_leader_epoch committed_metadata
 *       partition_index => INT32
 *       committed_offset => INT64
 *       committed_leader_epoch => INT32
 *       committed_metadata => NULLABLE_STRING
 *
 * OffsetCommit Response (Version: 7) => throttle_time_ms [topics]
 *   (same layout as v6)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { OffsetCommitRequest, OffsetCommitResponse } from './index.js';
import { readTopics } from './v0.js';
import { readEpochPartition, v6 } from './v6.js';

export const v7: ApiVersionCodec<OffsetCommitRequest, OffsetCommitResponse> = {
  decodeRequest(r) {
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    const groupInstanceId = r.nullableString();
    const topics = readTopics(r, readEpochPartition);
    return { groupId, generationId, memberId, groupInstanceId, retentionTimeMs: -1, topics };
  },
  encodeResponse: v6.encodeResponse,
};
