/*
 * Fetch Request (Version: 4) => replica_id max_wait_ms min_bytes max_bytes isolation_level [topics]
 *   replica_id => INT32
 *   max_wait_ms => INT32
 *   min_bytes => INT32
 *   max_bytes => INT32
 *   isolation_level => INT8
 *   topics => topic [partitions]
 *     topic => STRING
 *     partitions => partition fetch_offset partition_max_bytes
 *       partition => INT32
 *       fetch_offset => INT64
 *       partition_max_bytes => INT32
 *
 * Fetch Response (Version: 4) => throttle_time_ms [responses]
 *   throttle_time_ms => INT32
 *   responses => topic [partitions]
 *     topic => STRING
 *     partitions => partition_index error_code high_watermark last_stable_offset [aborted_transactions] records
 *       partition_index => INT32
 *       error_code => INT16
 *       high_watermark => INT64
 *       last_stable_offset => INT64
 *       aborted_transactions => producer_id first_offset   (always empty: no transactions here)
 *         producer_id => INT64
 *         first_offset => INT64
 *       records => RECORDS
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import type { FetchPartitionRequest, FetchPartitionResponse, FetchRequest, FetchResponse } from './index.js';

/** The request from replica_id to isolation_level, the same in every version served. */
export function readHead(
  r: Reader,
): Pick<FetchRequest, 'replicaId' | 'maxWaitMs' | 'minBytes' | 'maxBytes' | 'isolationLevel'> {
  return {
    replicaId: r.int32(),
    maxWaitMs: r.int32(),
    minBytes: r.int32(),
    maxBytes: r.int32(),
    isolationLevel: r.int8(),
  };
}

export function readTopics(
  r: Reader,
  partition: (r: Reader) => FetchPartitionRequest,
): FetchRequest['topics'] {
  return r.array((r) => ({ topic: r.string(), partitions: r.array(partition) }));
}

export function writeResponses(
  w: Writer,
  res: FetchResponse,
  partition: (w: Writer, p: FetchPartitionResponse) => void,
): void {
  w.array(res.responses, (w, t) => {
    w.string(t.topic);
    w.array(t.partitions, partition);
  });
}

/** partition_index error_code high_watermark last_stable_offset: the start of every version's partition. */
export function writePartitionHead(w: Writer, p: FetchPartitionResponse): void {
  w.int32(p.partitionIndex).int16(p.errorCode).int64(p.highWatermark).int64(p.lastStableOffset);
}

export function writeNoAbortedTransactions(w: Writer): void {
  w.array([], () => {});
}

export const v4: ApiVersionCodec<FetchRequest, FetchResponse> = {
  decodeRequest(r) {
    const head = readHead(r);
    const topics = readTopics(r, (r) => ({
      partition: r.int32(),
      fetchOffset: r.int64AsNumber(),
      partitionMaxBytes: r.int32(),
    }));
    return { ...head, sessionId: 0, sessionEpoch: -1, topics };
  },
  encodeResponse(w, res) {
    w.int32(res.throttleTimeMs);
    writeResponses(w, res, (w, p) => {
      writePartitionHead(w, p);
      writeNoAbortedTransactions(w);
      w.nullableBytes(p.records);
    });
  },
};
