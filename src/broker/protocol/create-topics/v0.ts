/*
 * CreateTopics Request (Version: 0) => [topics] timeout_ms
 *   topics => name num_partitions replication_factor [assignments] [configs]
 *     name => STRING
 *     num_partitions => INT32
 *     replication_factor => INT16
 *     assignments => partition_index [broker_ids]
 *       partition_index => INT32
 *       broker_ids => INT32
 *     configs => name value
 *       name => STRING
 *       value => NULLABLE_STRING
 *   timeout_ms => INT32
 *
 * CreateTopics Response (Version: 0) => [topics]
 *   topics => name error_code
 *     name => STRING
 *     error_code => INT16
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { Reader } from '../reader.js';
import type { CreatableTopic, CreateTopicsRequest, CreateTopicsResponse } from './index.js';

export function readTopics(r: Reader): CreatableTopic[] {
  return r.array((r) => ({
    name: r.string(),
    numPartitions: r.int32(),
    replicationFactor: r.int16(),
    assignments: r.array((r) => ({ partitionIndex: r.int32(), brokerIds: r.array((r) => r.int32()) })),
    configs: r.array((r) => ({ name: r.string(), value: r.nullableString() })),
  }));
}

export const v0: ApiVersionCodec<CreateTopicsRequest, CreateTopicsResponse> = {
  decodeRequest: (r) => ({ topics: readTopics(r), timeoutMs: r.int32(), validateOnly: false }),
  encodeResponse(w, res) {
    w.array(res.topics, (w, t) => w.string(t.name).int16(t.errorCode));
  },
};
