/*
 * OffsetCommit Request (Version: 0) => group_id [topics]
 *   group_id => STRING
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index committed_offset committed_metadata
 *       partition_index => INT32
 *       committed_offset => INT64
 *       committed_metadata => NULLABLE_STRING
 *
 * OffsetCommit Response (Version: 0) => [topics]
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index error_code
 *       partition_index => INT32
 *       error_code => INT16
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import type { OffsetCommitPartition, OffsetCommitRequest, OffsetCommitResponse } from './index.js';

export function readTopics(
  r: Reader,
  readPartition: (p: Reader) => OffsetCommitPartition,
): OffsetCommitRequest['topics'] {
  return r.array((t) => ({ name: t.string(), partitions: t.array(readPartition) }));
}

/** partition_index committed_offset committed_metadata: v0, and v2 to v5. */
export function readPlainPartition(p: Reader): OffsetCommitPartition {
  const partitionIndex = p.int32();
  const committedOffset = p.int64AsNumber();
  const committedMetadata = p.nullableString();
  return {
    partitionIndex,
    committedOffset,
    committedLeaderEpoch: -1,
    commitTimestamp: -1,
    committedMetadata,
  };
}

export function writeTopics(w: Writer, res: OffsetCommitResponse): void {
  w.array(res.topics, (tw, t) => {
    tw.string(t.name).array(t.partitions, (pw, p) => pw.int32(p.partitionIndex).int16(p.errorCode));
  });
}

export const v0: ApiVersionCodec<OffsetCommitRequest, OffsetCommitResponse> = {
  decodeRequest(r) {
    const groupId = r.string();
    const topics = readTopics(r, readPlainPartition);
    return { groupId, generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, topics };
  },
  encodeResponse: writeTopics,
};
