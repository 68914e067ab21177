/*
 * ListOffsets Request (Version: 1) => replica_id [topics]
 *   replica_id => INT32
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index timestamp
 *       partition_index => INT32
 *       timestamp => INT64
 *
 * ListOffsets Response (Version: 1) => [topics]
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index error_code timestamp offset
 *       partition_index => INT32
 *       error_code => INT16
 *       timestamp => INT64
 *       offset => INT64
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import type { ListOffsetsPartitionResponse, ListOffsetsRequest, ListOffsetsResponse } from './index.js';

type PartitionRequest = ListOffsetsRequest['topics'][number]['partitions'][number];

export function readTopics(
  r: Reader,
  partition: (r: Reader) => PartitionRequest,
): ListOffsetsRequest['topics'] {
  return r.array((r) => ({ name: r.string(), partitions: r.array(partition) }));
}

export function readPartition(r: Reader): PartitionRequest {
  return { partitionIndex: r.int32(), timestamp: r.int64AsNumber() };
}

export function writeTopics(
  w: Writer,
  res: ListOffsetsResponse,
  partition: (w: Writer, p: ListOffsetsPartitionResponse) => void,
): void {
  w.array(res.topics, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, partition);
  });
}

export function writePartition(w: Writer, p: ListOffsetsPartitionResponse): void {
  w.int32(p.partitionIndex).int16(p.errorCode).int64(p.timestamp).int64(p.offset);
}

export const v1: ApiVersionCodec<ListOffsetsRequest, ListOffsetsResponse> = {
  decodeRequest(r) {
    const replicaId = r.int32();
    return { replicaId, isolationLevel: 0, topics: readTopics(r, readPartition) };
  },
  encodeResponse: (w, res) => writeTopics(w, res, writePartition),
};
