/*
 * JoinGroup Request (Version: 2) => group_id session_timeout_ms rebalance_timeout_ms member_id protocol_type [protocols]
 *   (same layout as v1)
 *
 * JoinGroup Response (Version: 2) => throttle_time_ms error_code generation_id protocol_name leader member_id [members]
 *   throttle_time_ms => INT32
 *   (then as v1)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { JoinGroupRequest, JoinGroupResponse } from './index.js';
import { writeJoinResult } from './v0.js';
import { v1 } from './v1.js';

export const v2: ApiVersionCodec<JoinGroupRequest, JoinGroupResponse> = {
  decodeRequest: v1.decodeRequest,
  encodeResponse(w, res) {
    w.int32(0);
    writeJoinResult(w, res);
  },
};
