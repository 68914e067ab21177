import type { ApiDefinition, ApiVersionCodec } from '../api.js';

/**
 * Fetch Request (Version: 11) => replica_id max_wait_ms min_bytes max_bytes isolation_level session_id
 *                                session_epoch [topics] [forgotten_topics_data] rack_id
 *   replica_id => INT32
 *   max_wait_ms => INT32
 *   min_bytes => INT32
 *   max_bytes => INT32                  (v3+)
 *   isolation_level => INT8             (v4+)
 *   session_id => INT32                 v7+
 *   session_epoch => INT32              v7+
 *   topics => topic STRING [partitions]
 *     partitions => partition INT32, current_leader_epoch INT32 (v9+), fetch_offset INT64,
 *                   log_start_offset INT64 (v5+), partition_max_bytes INT32
 *   forgotten_topics_data => topic STRING [partitions INT32]   v7+
 *   rack_id => STRING                   v11+
 *
 * Fetch Response (Version: 11) => throttle_time_ms error_code session_id [responses]
 *   throttle_time_ms => INT32
 *   error_code => INT16                 v7+
 *   session_id => INT32                 v7+
 *   responses => topic STRING [partitions]
 *     partitions => partition_index INT32, error_code INT16, high_watermark INT64,
 *                   last_stable_offset INT64, log_start_offset INT64 (v5+),
 *                   [aborted_transactions] (nullable; producer_id INT64, first_offset INT64),
 *                   preferred_read_replica INT32 (v11+), records RECORDS
 *
 * Served from v4 (the first that carries record batches v2 with isolation level) to v11; v12 is flexible.
 * The broker keeps no fetch sessions: it answers session_id 0, which tells a client asking for one
 * (session_epoch 0) that none was created, so every request is a full fetch (KIP-227).
 */
export interface FetchPartitionRequest {
  partition: number;
  fetchOffset: number;
  partitionMaxBytes: number;
}

export interface FetchRequest {
  replicaId: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  isolationLevel: number;
  sessionId: number;
  sessionEpoch: number;
  topics: { topic: string; partitions: FetchPartitionRequest[] }[];
}

export interface FetchPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  records: Buffer | null;
}

export interface FetchResponse {
  throttleTimeMs: number;
  errorCode: number;
  sessionId: number;
  responses: { topic: string; partitions: FetchPartitionResponse[] }[];
}

function codec(version: number): ApiVersionCodec<FetchRequest, FetchResponse> {
  return {
    decodeRequest(r) {
      const replicaId = r.int32();
      const maxWaitMs = r.int32();
      const minBytes = r.int32();
      const maxBytes = r.int32();
      const isolationLevel = r.int8();
      const sessionId = version >= 7 ? r.int32() : 0;
      const sessionEpoch = version >= 7 ? r.int32() : -1;
      const topics = r.array((r) => ({
        topic: r.string(),
        partitions: r.array((r) => {
          const partition = r.int32();
          if (version >= 9) r.int32(); // current_leader_epoch: one node, one epoch
          const fetchOffset = r.int64AsNumber();
          if (version >= 5) r.int64(); // log_start_offset: only followers send it
          return { partition, fetchOffset, partitionMaxBytes: r.int32() };
        }),
      }));
      if (version >= 7) r.array((r) => ({ topic: r.string(), partitions: r.array((r) => r.int32()) }));
      if (version >= 11) r.string();
      return { replicaId, maxWaitMs, minBytes, maxBytes, isolationLevel, sessionId, sessionEpoch, topics };
    },
    encodeResponse(w, res) {
      w.int32(res.throttleTimeMs);
      if (version >= 7) w.int16(res.errorCode).int32(res.sessionId);
      w.array(res.responses, (w, t) => {
        w.string(t.topic);
        w.array(t.partitions, (w, p) => {
          w.int32(p.partitionIndex).int16(p.errorCode).int64(p.highWatermark).int64(p.lastStableOffset);
          if (version >= 5) w.int64(p.logStartOffset);
          w.array([], () => {}); // aborted_transactions: no transactions here
          if (version >= 11) w.int32(-1);
          w.nullableBytes(p.records);
        });
      });
    },
  };
}

export const fetchApi: ApiDefinition<FetchRequest, FetchResponse> = {
  apiKey: 1,
  name: 'Fetch',
  versions: Object.fromEntries([4, 5, 6, 7, 8, 9, 10, 11].map((v) => [v, codec(v)])),
};
