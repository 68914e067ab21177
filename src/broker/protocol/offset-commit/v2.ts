/*
 * OffsetCommit Request (Version: 2) => group_id generation_id member_id retention_time_ms [topics]
 *   group_id => STRING
 *   generation_id => INT32
 *   member_id => STRING
 *   retention_time_ms => INT64
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index committed_offset committed_metadata
 *       partition_index => INT32
 *       committed_offset => INT64
 *       committed_metadata => NULLABLE_STRING
 *
 * OffsetCommit Response (Version: 2) => [topics]
 *   (same layout as v1)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { OffsetCommitRequest, OffsetCommitResponse } from './index.js';
import { readPlainPartition, readTopics, writeTopics } from './v0.js';

export const v2: ApiVersionCodec<OffsetCommitRequest, OffsetCommitResponse> = {
  decodeRequest(r) {
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    const retentionTimeMs = r.int64AsNumber();
    const topics = readTopics(r, readPlainPartition);
    return { groupId, generationId, memberId, groupInstanceId: null, retentionTimeMs, topics };
  },
  encodeResponse: writeTopics,
};
