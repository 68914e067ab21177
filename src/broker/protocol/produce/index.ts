import type { ApiDefinition, ApiVersionCodec } from '../api.js';

/**
 * Produce Request (Version: 3-7) => transactional_id acks timeout_ms [topic_data]
 *   transactional_id => NULLABLE_STRING
 *   acks => INT16
 *   timeout_ms => INT32
 *   topic_data => name STRING [partition_data]
 *     partition_data => index INT32, records RECORDS (NULLABLE_BYTES holding record batches v2)
 *
 * Produce Response (Version: 7) => [responses] throttle_time_ms
 *   responses => name STRING [partition_responses]
 *     partition_responses => index INT32, error_code INT16, base_offset INT64, log_append_time_ms INT64,
 *                            log_start_offset INT64 (v5+)
 *   throttle_time_ms => INT32
 *
 * v3 is the first with record batches v2 (the only format the log stores); v4-v7 only add error codes
 * and, in v5, log_start_offset. v8 adds per-record errors, v9 is flexible.
 */
export interface ProducePartitionData {
  index: number;
  /** A view into the request frame. */
  records: Buffer | null;
}

export interface ProduceRequest {
  transactionalId: string | null;
  acks: number;
  timeoutMs: number;
  topicData: { name: string; partitionData: ProducePartitionData[] }[];
}

export interface ProducePartitionResponse {
  index: number;
  errorCode: number;
  baseOffset: number;
  logAppendTimeMs: number;
  logStartOffset: number;
}

export interface ProduceResponse {
  responses: { name: string; partitionResponses: ProducePartitionResponse[] }[];
  throttleTimeMs: number;
}

function codec(version: number): ApiVersionCodec<ProduceRequest, ProduceResponse> {
  return {
    decodeRequest: (r) => ({
      transactionalId: r.nullableString(),
      acks: r.int16(),
      timeoutMs: r.int32(),
      topicData: r.array((r) => ({
        name: r.string(),
        partitionData: r.array((r) => ({ index: r.int32(), records: r.nullableBytes() })),
      })),
    }),
    encodeResponse(w, res) {
      w.array(res.responses, (w, t) => {
        w.string(t.name);
        w.array(t.partitionResponses, (w, p) => {
          w.int32(p.index).int16(p.errorCode).int64(p.baseOffset).int64(p.logAppendTimeMs);
          if (version >= 5) w.int64(p.logStartOffset);
        });
      });
      w.int32(res.throttleTimeMs);
    },
  };
}

export const produceApi: ApiDefinition<ProduceRequest, ProduceResponse> = {
  apiKey: 0,
  name: 'Produce',
  versions: Object.fromEntries([3, 4, 5, 6, 7].map((v) => [v, codec(v)])),
};
