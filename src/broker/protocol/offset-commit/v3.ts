/*
 * OffsetCommit Request (Version: 3) => group_id generation_id member_id retention_time_ms [topics]
 *   (same layout as v2)
 *
 * OffsetCommit Response (Version: 3) => throttle_time_ms [topics]
 *   throttle_time_ms => INT32
 *   (then as v2)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { OffsetCommitRequest, OffsetCommitResponse } from './index.js';
import { writeTopics } from './v0.js';
import { v2 } from './v2.js';

export const v3: ApiVersionCodec<OffsetCommitRequest, OffsetCommitResponse> = {
  decodeRequest: v2.decodeRequest,
  encodeResponse(w, res) {
    w.int32(0);
    writeTopics(w, res);
  },
};
