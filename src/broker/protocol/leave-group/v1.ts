/*
 * LeaveGroup Request (Version: 1) => group_id member_id
 *   (same layout as v0)
 *
 * LeaveGroup Response (Version: 1) => throttle_time_ms error_code
 *   throttle_time_ms => INT32
 *   error_code => INT16
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { LeaveGroupRequest, LeaveGroupResponse } from './index.js';
import { v0 } from './v0.js';

export const v1: ApiVersionCodec<LeaveGroupRequest, LeaveGroupResponse> = {
  decodeRequest: v0.decodeRequest,
  encodeResponse(w, res) {
    w.int32(0).int16(res.errorCode);
  },
};
