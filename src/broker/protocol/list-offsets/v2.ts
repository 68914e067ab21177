/*
 * ListOffsets Request (Version: 2) => replica_id isolation_level [topics]
 *   replica_id => INT32
 *   isolation_level => INT8             (new in v2)
 *   topics => (as v1)
 *
 * ListOffsets Response (Version: 2) => throttle_time_ms [topics]
 *   throttle_time_ms => INT32           (new in v2)
 *   topics => (as v1)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { ListOffsetsRequest, ListOffsetsResponse } from './index.js';
import { readPartition, readTopics, writePartition, writeTopics } from './v1.js';

export const v2: ApiVersionCodec<ListOffsetsRequest, ListOffsetsResponse> = {
  decodeRequest(r) {
    const replicaId = r.int32();
    const isolationLevel = r.int8();
    return { replicaId, isolationLevel, topics: readTopics(r, readPartition) };
  },
  encodeResponse(w, res) {
    w.int32(res.throttleTimeMs);
    writeTopics(w, res, writePartition);
  },
};
