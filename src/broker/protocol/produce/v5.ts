/*
 * Produce Request (Version: 5) => transactional_id acks timeout_ms [topic_data]
 *   (same layout as v4)
 *
 * Produce Response (Version: 5) => [responses] throttle_time_ms
 *   responses => name [partition_responses]
 *     name => STRING
 *     partition_responses => index error_code base_offset log_append_time_ms log_start_offset
 *       index => INT32
 *       error_code => INT16
 *       base_offset => INT64
 *       log_append_time_ms => INT64
 *       log_start_offset => INT64        (new in v5)
 *   throttle_time_ms => INT32
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { ProduceRequest, ProduceResponse } from './index.js';
import { v4 } from './v4.js';
import { writePartition, writeResponses } from './v3.js';

export const v5: ApiVersionCodec<ProduceRequest, ProduceResponse> = {
  decodeRequest: v4.decodeRequest,
  encodeResponse: (w, res) =>
    writeResponses(w, res, (w, p) => {
      writePartition(w, p);
      w.int64(p.logStartOffset);
    }),
};
