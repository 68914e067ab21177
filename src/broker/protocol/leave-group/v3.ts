/*
 * LeaveGroup Request (Version: 3) => group_id [members]
 *   group_id => STRING
 *   members => member_id group_instance_id
 *     member_id => STRING
 *     group_instance_id => NULLABLE_STRING
 *
 * LeaveGroup Response (Version: 3) => throttle_time_ms error_code [members]
 *   throttle_time_ms => INT32
 *   error_code => INT16
 *   members => member_id group_instance_id error_code
 *     member_id => STRING
 *     group_instance_id => NULLABLE_STRING
 *     error_code => INT16
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { LeaveGroupRequest, LeaveGroupResponse } from './index.js';

export const v3: ApiVersionCodec<LeaveGroupRequest, LeaveGroupResponse> = {
  decodeRequest(r) {
    const groupId = r.string();
    const members = r.array((m) => ({ memberId: m.string(), groupInstanceId: m.nullableString() }));
    return { groupId, members };
  },
  encodeResponse(w, res) {
    w.int32(0).int16(res.errorCode);
    w.array(res.members, (mw, m) =>
      mw.string(m.memberId).nullableString(m.groupInstanceId).int16(m.errorCode),
    );
  },
};
