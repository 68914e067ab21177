/*
 * Fetch Request (Version: 9) => replica_id max_wait_ms min_bytes max_bytes isolation_level session_id
 *                               session_epoch [topics] [forgotten_topics_data]
 *   (as v8, and each partition gains current_leader_epoch, KIP-320)
 *   topics => topic [partitions]
 *     partitions => partition current_leader_epoch fetch_offset log_start_offset partition_max_bytes
 *       partition => INT32
 *       current_leader_epoch => INT32  (new in v9; ignored: one node, one epoch)
 *       fetch_offset => INT64
 *       log_start_offset => INT64
 *       partition_max_bytes => INT32
 *
 * Fetch Response (Version: 9) => throttle_time_ms error_code session_id [responses]
 *   (same layout as v8)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { Reader } from '../reader.js';
import type { FetchPartitionRequest, FetchRequest, FetchResponse } from './index.js';
import { v8 } from './v8.js';
import { readSessionRequest } from './v7.js';

export function readPartition(r: Reader): FetchPartitionRequest {
  const partition = r.int32();
  r.int32(); // current_leader_epoch
  const fetchOffset = r.int64AsNumber();
  r.int64(); // log_start_offset
  return { partition, fetchOffset, partitionMaxBytes: r.int32() };
}

export const v9: ApiVersionCodec<FetchRequest, FetchResponse> = {
  decodeRequest: (r) => readSessionRequest(r, readPartition),
  encodeResponse: v8.encodeResponse,
};
