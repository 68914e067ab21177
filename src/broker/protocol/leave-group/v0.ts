/*
 * LeaveGroup Request (Version: 0) => group_id member_id
 *   group_id => STRING
 *   member_id => STRING
 *
 * LeaveGroup Response (Version: 0) => error_code
 *   error_code => INT16
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { LeaveGroupRequest, LeaveGroupResponse } from './index.js';

export const v0: ApiVersionCodec<LeaveGroupRequest, LeaveGroupResponse> = {
  decodeRequest: (r) => ({ groupId: r.string(), members: [{ memberId: r.string(), groupInstanceId: null }] }),
  encodeResponse(w, res) {
    w.int16(res.errorCode);
  },
};
