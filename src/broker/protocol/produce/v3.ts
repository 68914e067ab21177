/*
 * Produce Request (Version: 3) => transactional_id acks timeout_ms [topic_data]
 *   transactional_id => NULLABLE_STRING
 *   acks => INT16
 *   timeout_ms => INT32
 *   topic_data => name [partition_data]
 *     name => STRING
 *     partition_data => index records
 *       index => INT32
 *       records => RECORDS (NULLABLE_BYTES holding record batches v2)
 *
 * Produce Response (Version: 3) => [responses] throttle_time_ms
 *   responses => name [partition_responses]
 *     name => STRING
 *     partition_responses => index error_code base_offset log_append_time_ms
 *       index => INT32
 *       error_code => INT16
 *       base_offset => INT64
 *       log_append_time_ms => INT64
 *   throttle_time_ms => INT32
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { Writer } from '../writer.js';
import type { ProducePartitionResponse, ProduceRequest, ProduceResponse } from './index.js';

/** [responses] throttle_time_ms, each partition written by `partition` (v5 adds a field to it). */
export function writeResponses(
  w: Writer,
  res: ProduceResponse,
  partition: (w: Writer, p: ProducePartitionResponse) => void,
): void {
  w.array(res.responses, (w, t) => {
    w.string(t.name);
    w.array(t.partitionResponses, partition);
  });
  w.int32(res.throttleTimeMs);
}

export function writePartition(w: Writer, p: ProducePartitionResponse): void {
  w.int32(p.index).int16(p.errorCode).int64(p.baseOffset).int64(p.logAppendTimeMs);
}

export const v3: ApiVersionCodec<ProduceRequest, ProduceResponse> = {
  decodeRequest: (r) => ({
    transactionalId: r.nullableString(),
    acks: r.int16(),
    timeoutMs: r.int32(),
    topicData: r.array((r) => ({
      name: r.string(),
      partitionData: r.array((r) => ({ index: r.int32(), records: r.nullableBytes() })),
    })),
  }),
  encodeResponse: (w, res) => writeResponses(w, res, writePartition),
};
