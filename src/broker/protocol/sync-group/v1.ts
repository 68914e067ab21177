/*
 * SyncGroup Request (Version: 1) => group_id generation_id member_id [assignments]
 *   (same layout as v0)
 *
 * SyncGroup Response (Version: 1) => throttle_time_ms error_code assignment
 *   throttle_time_ms => INT32
 *   error_code => INT16
 *   assignment => BYTES
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { SyncGroupRequest, SyncGroupResponse } from './index.js';
import { v0 } from './v0.js';

export const v1: ApiVersionCodec<SyncGroupRequest, SyncGroupResponse> = {
  decodeRequest: v0.decodeRequest,
  encodeResponse(w, res) {
    w.int32(0).int16(res.errorCode).bytes(res.assignment);
  },
};
