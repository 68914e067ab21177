/*
 * Fetch Request (Version: 11) => replica_id max_wait_ms min_bytes max_bytes isolation_level session_id
 *                                session_epoch [topics] [forgotten_topics_data] rack_id
 *   (as v10, and)
 *   rack_id => STRING                   (new in v11, KIP-392; ignored: one node)
 *
 * Fetch Response (Version: 11) => throttle_time_ms error_code session_id [responses]
 *   (as v10, and each partition gains preferred_read_replica before records)
 *     partitions => partition_index error_code high_watermark last_stable_offset log_start_offset
 *                   [aborted_transactions] preferred_read_replica records
 *       preferred_read_replica => INT32 (new in v11; always -1: read from the leader)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { FetchRequest, FetchResponse } from './index.js';
import { writePartitionUpToAborted } from './v5.js';
import { readSessionRequest, writeSessionResponse } from './v7.js';
import { readPartition } from './v9.js';

export const v11: ApiVersionCodec<FetchRequest, FetchResponse> = {
  decodeRequest(r) {
    const request = readSessionRequest(r, readPartition);
    r.string(); // rack_id
    return request;
  },
  encodeResponse: (w, res) =>
    writeSessionResponse(w, res, (w, p) => {
      writePartitionUpToAborted(w, p);
      w.int32(-1);
      w.nullableBytes(p.records);
    }),
};
