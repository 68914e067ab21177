/*
 * ListOffsets Request (Version: 4) => replica_id isolation_level [topics]
 *   (as v3, and each partition gains current_leader_epoch, KIP-320)
 *   topics => name [partitions]
 *     partitions => partition_index current_leader_epoch timestamp
 *       current_leader_epoch => INT32  (new in v4; ignored: one node, one epoch)
 *
 * ListOffsets Response (Version: 4) => throttle_time_ms [topics]
 *   (as v3, and each partition gains leader_epoch)
 *     partitions => partition_index error_code timestamp offset leader_epoch
 *       leader_epoch => INT32          (new in v4; always 0)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { ListOffsetsRequest, ListOffsetsResponse } from './index.js';
import { readTopics, writePartition, writeTopics } from './v1.js';

export const v4: ApiVersionCodec<ListOffsetsRequest, ListOffsetsResponse> = {
  decodeRequest(r) {
    const replicaId = r.int32();
    const isolationLevel = r.int8();
    const topics = readTopics(r, (r) => {
      const partitionIndex = r.int32();
      r.int32(); // current_leader_epoch
      return { partitionIndex, timestamp: r.int64AsNumber() };
    });
    return { replicaId, isolationLevel, topics };
  },
  encodeResponse(w, res) {
    w.int32(res.throttleTimeMs);
    writeTopics(w, res, (w, p) => {
      writePartition(w, p);
      w.int32(0);
    });
  },
};
