import type { ApiDefinition, ApiVersionCodec } from '../api.js';

/**
 * ListOffsets Request (Version: 5) => replica_id isolation_level [topics]
 *   replica_id => INT32
 *   isolation_level => INT8             v2+
 *   topics => name STRING [partitions]
 *     partitions => partition_index INT32, current_leader_epoch INT32 (v4+), timestamp INT64
 *
 * ListOffsets Response (Version: 5) => throttle_time_ms [topics]
 *   throttle_time_ms => INT32           v2+
 *   topics => name STRING [partitions]
 *     partitions => partition_index INT32, error_code INT16, timestamp INT64, offset INT64,
 *                   leader_epoch INT32 (v4+)
 *
 * timestamp -1 asks for the latest offset (the next to be written), -2 for the earliest; any other value
 * for the first offset whose batch holds a timestamp at or after it. Served from v1 (v0 returns lists of
 * offsets; neither client uses it) to v5; v6 is flexible.
 */
export interface ListOffsetsRequest {
  replicaId: number;
  isolationLevel: number;
  topics: { name: string; partitions: { partitionIndex: number; timestamp: number }[] }[];
}

export interface ListOffsetsPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  timestamp: number;
  offset: number;
}

export interface ListOffsetsResponse {
  throttleTimeMs: number;
  topics: { name: string; partitions: ListOffsetsPartitionResponse[] }[];
}

function codec(version: number): ApiVersionCodec<ListOffsetsRequest, ListOffsetsResponse> {
  return {
    decodeRequest(r) {
      const replicaId = r.int32();
      const isolationLevel = version >= 2 ? r.int8() : 0;
      const topics = r.array((r) => ({
        name: r.string(),
        partitions: r.array((r) => {
          const partitionIndex = r.int32();
          if (version >= 4) r.int32();
          return { partitionIndex, timestamp: r.int64AsNumber() };
        }),
      }));
      return { replicaId, isolationLevel, topics };
    },
    encodeResponse(w, res) {
      if (version >= 2) w.int32(res.throttleTimeMs);
      w.array(res.topics, (w, t) => {
        w.string(t.name);
        w.array(t.partitions, (w, p) => {
          w.int32(p.partitionIndex).int16(p.errorCode).int64(p.timestamp).int64(p.offset);
          if (version >= 4) w.int32(0);
        });
      });
    },
  };
}

export const listOffsetsApi: ApiDefinition<ListOffsetsRequest, ListOffsetsResponse> = {
  apiKey: 2,
  name: 'ListOffsets',
  versions: Object.fromEntries([1, 2, 3, 4, 5].map((v) => [v, codec(v)])),
};
