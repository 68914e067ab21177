/*
 * OffsetFetch Request (Version: 2) => group_id [topics]
 *   group_id => STRING
 *   topics => name [partition_indexes]   (nullable: null asks for all of the group's partitions)
 *     name => STRING
 *     partition_indexes => INT32
 *
 * OffsetFetch Response (Version: 2) => [topics] error_code
 *   topics => name [partitions]
 *     name => STRING
 *     partitions => partition_index committed_offset metadata error_code
 *       partition_index => INT32
 *       committed_offset => INT64
 *       metadata => NULLABLE_STRING
 *       error_code => INT16
 *   error_code => INT16
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { OffsetFetchRequest, OffsetFetchResponse } from './index.js';
import { readTopic, writePlainPartition, writeTopics } from './v0.js';

export const v2: ApiVersionCodec<OffsetFetchRequest, OffsetFetchResponse> = {
  decodeRequest: (r) => ({ groupId: r.string(), topics: r.nullableArray(readTopic) }),
  encodeResponse(w, res) {
    writeTopics(w, res, writePlainPartition);
    w.int16(res.errorCode);
  },
};
