/*
 * OffsetFetch Request (Version: 5) => group_id [topics]
 *   (same layout as v4)
 *
 * OffsetFetch Response (Version: 5) => throttle_time_ms [topics] error_code
 *   throttle_time_ms => INT32
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index committed_offset committed_leader_epoch metadata error_code
 *       partition_index => INT32
 *       committed_offset => INT64
 *       committed_leader_epoch => INT32
 *       metadata => NULLABLE_STRING
 *       error_code => INT16
 *   error_code => INT16
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { OffsetFetchRequest, OffsetFetchResponse } from './index.js';
import { writeTopics } from './v0.js';
import { v4 } from './v4.js';

export const v5: ApiVersionCodec<OffsetFetchRequest, OffsetFetchResponse> = {
  decodeRequest: v4.decodeRequest,
  encodeResponse(w, res) {
    w.int32(0);
    writeTopics(w, res, (pw, p) =>
      pw
        .int32(p.partitionIndex)
        .int64(p.committedOffset)
        .int32(p.committedLeaderEpoch)
        .nullableString(p.metadata)
        .int16(p.errorCode),
    );
    w.int16(res.errorCode);
  },
};
