/*
 * OffsetFetch Request (Version: 0) => group_id [topics]
 *   group_id => STRING
 *   topics => name [partition_indexes]
 *     name => STRING
 *     partition_indexes => INT32
 *
 * OffsetFetch Response (Version: 0) => [topics]
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index committed_offset metadata error_code
 *       partition_index => INT32
 *       committed_offset => INT64
 *       metadata => NULLABLE_STRING
 *       error_code => INT16
 *
 * (In Kafka v0 reads offsets kept in ZooKeeper and v1 those kept by the broker; here both are the same.)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import type { OffsetFetchPartition, OffsetFetchRequest, OffsetFetchResponse } from './index.js';

export function readTopic(t: Reader): { name: string; partitionIndexes: number[] } {
  return { name: t.string(), partitionIndexes: t.array((p) => p.int32()) };
}

export function writeTopics(
  w: Writer,
  res: OffsetFetchResponse,
  writePartition: (pw: Writer, p: OffsetFetchPartition) => void,
): void {
  w.array(res.topics, (tw, t) => tw.string(t.name).array(t.partitions, writePartition));
}

export function writePlainPartition(pw: Writer, p: OffsetFetchPartition): void {
  pw.int32(p.partitionIndex).int64(p.committedOffset).nullableString(p.metadata).int16(p.errorCode);
}

export const v0: ApiVersionCodec<OffsetFetchRequest, OffsetFetchResponse> = {
  decodeRequest: (r) => ({ groupId: r.string(), topics: r.array(readTopic) }),
  encodeResponse(w, res) {
    writeTopics(w, res, writePlainPartition);
  },
};
