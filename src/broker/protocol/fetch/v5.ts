/*
 * Fetch Request (Version: 5) => replica_id max_wait_ms min_bytes max_bytes isolation_level [topics]
 *   (as v4, and each partition gains log_start_offset)
 *   topics => topic [partitions]
 *     partitions => partition fetch_offset log_start_offset partition_max_bytes
 *       partition => INT32
 *       fetch_offset => INT64
 *       log_start_offset => INT64      (new in v5; only followers send it, ignored)
 *       partition_max_bytes => INT32
 *
 * Fetch Response (Version: 5) => throttle_time_ms [responses]
 *   (as v4, and each partition gains log_start_offset)
 *     partitions => partition_index error_code high_watermark last_stable_offset log_start_offset
 *                   [aborted_transactions] records
 *       log_start_offset => INT64      (new in v5)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import type { FetchPartitionRequest, FetchPartitionResponse, FetchRequest, FetchResponse } from './index.js';
import {
  readHead,
  readTopics,
  writeNoAbortedTransactions,
  writePartitionHead,
  writeResponses,
} from './v4.js';

export function readPartition(r: Reader): FetchPartitionRequest {
  const partition = r.int32();
  const fetchOffset = r.int64AsNumber();
  r.int64(); // log_start_offset
  return { partition, fetchOffset, partitionMaxBytes: r.int32() };
}

/** A v5 partition up to and including aborted_transactions; v11 inserts a field before records. */
export function writePartitionUpToAborted(w: Writer, p: FetchPartitionResponse): void {
  writePartitionHead(w, p);
  w.int64(p.logStartOffset);
  writeNoAbortedTransactions(w);
}

export function writePartition(w: Writer, p: FetchPartitionResponse): void {
  writePartitionUpToAborted(w, p);
  w.nullableBytes(p.records);
}

export const v5: ApiVersionCodec<FetchRequest, FetchResponse> = {
  decodeRequest(r) {
    const head = readHead(r);
    const topics = readTopics(r, readPartition);
    return { ...head, sessionId: 0, sessionEpoch: -1, topics };
  },
  encodeResponse(w, res) {
    w.int32(res.throttleTimeMs);
    writeResponses(w, res, writePartition);
  },
};
