import type { ApiDefinition, ApiVersionCodec } from '../api.js';

/**
 * CreateTopics Request (Version: 4) => [topics] timeout_ms validate_only
 *   topics => name STRING, num_partitions INT32, replication_factor INT16,
 *             [assignments] (partition_index INT32, [broker_ids INT32]),
 *             [configs] (name STRING, value NULLABLE_STRING)
 *   timeout_ms => INT32
 *   validate_only => BOOLEAN            v1+
 *
 * CreateTopics Response (Version: 4) => throttle_time_ms [topics]
 *   throttle_time_ms => INT32           v2+
 *   topics => name STRING, error_code INT16, error_message NULLABLE_STRING (v1+)
 *
 * v5 is flexible.
 */
export interface CreatableTopic {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  assignments: { partitionIndex: number; brokerIds: number[] }[];
  configs: { name: string; value: string | null }[];
}

export interface CreateTopicsRequest {
  topics: CreatableTopic[];
  timeoutMs: number;
  validateOnly: boolean;
}

export interface CreateTopicsResponse {
  throttleTimeMs: number;
  topics: { name: string; errorCode: number; errorMessage: string | null }[];
}

function codec(version: number): ApiVersionCodec<CreateTopicsRequest, CreateTopicsResponse> {
  return {
    decodeRequest: (r) => ({
      topics: r.array((r) => ({
        name: r.string(),
        numPartitions: r.int32(),
        replicationFactor: r.int16(),
        assignments: r.array((r) => ({ partitionIndex: r.int32(), brokerIds: r.array((r) => r.int32()) })),
        configs: r.array((r) => ({ name: r.string(), value: r.nullableString() })),
      })),
      timeoutMs: r.int32(),
      validateOnly: version >= 1 ? r.boolean() : false,
    }),
    encodeResponse(w, res) {
      if (version >= 2) w.int32(res.throttleTimeMs);
      w.array(res.topics, (w, t) => {
        w.string(t.name).int16(t.errorCode);
        if (version >= 1) w.nullableString(t.errorMessage);
      });
    },
  };
}

export const createTopicsApi: ApiDefinition<CreateTopicsRequest, CreateTopicsResponse> = {
  apiKey: 19,
  name: 'CreateTopics',
  versions: Object.fromEntries([0, 1, 2, 3, 4].map((v) => [v, codec(v)])),
};
