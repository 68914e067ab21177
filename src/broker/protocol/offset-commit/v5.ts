/*
 * OffsetCommit Request (Version: 5) => group_id generation_id member_id [topics]
 *   group_id => STRING
 *   generation_id => INT32
 *   member_id => STRING
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index committed_offset committed_metadata
 *       partition_index => INT32
 *       committed_offset => INT64
 *       committed_metadata => NULLABLE_STRING
 *
 * OffsetCommit Response (Version: 5) => throttle_time_ms [topics]
 *   (same layout as v4; retention_time_ms is gone from the request)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { OffsetCommitRequest, OffsetCommitResponse } from './index.js';
import { readPlainPartition, readTopics } from './v0.js';
import { v4 } from './v4.js';

export const v5: ApiVersionCodec<OffsetCommitRequest, OffsetCommitResponse> = {
  decodeRequest(r) {
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    const topics = readTopics(r, readPlainPartition);
    return { groupId, generationId, memberId, groupInstanceId: null, retentionTimeMs: -1, topics };
  },
  encodeResponse: v4.encodeResponse,
};
