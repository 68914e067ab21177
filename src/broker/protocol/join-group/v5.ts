/*
 * JoinGroup Request (Version: 5) => group_id session_timeout_ms rebalance_timeout_ms member_id group_instance_id protocol_type [protocols]
 *   group_id => STRING
 *   session_timeout_ms => INT32
 *   rebalance_timeout_ms => INT32
 *   member_id => STRING
 *   group_instance_id => NULLABLE_STRING
 *   protocol_type => STRING
 *   protocols => name metadata
 *     name => STRING
 *     metadata => BYTES
 *
 * JoinGroup Response (Version: 5) => throttle_time_ms error_code generation_id protocol_name leader member_id [members]
 *   throttle_time_ms => INT32
 *   error_code => INT16
 *   generation_id => INT32
 *   protocol_name => STRING
 *   leader => STRING
 *   member_id => STRING
 *   members => member_id group_instance_id metadata
 *     member_id => STRING
 *     group_instance_id => NULLABLE_STRING
 *     metadata => BYTES
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { JoinGroupRequest, JoinGroupResponse } from './index.js';
import { readProtocols, writeJoinResult } from './v0.js';

export const v5: ApiVersionCodec<JoinGroupRequest, JoinGroupResponse> = {
  decodeRequest(r) {
    const groupId = r.string();
    const sessionTimeoutMs = r.int32();
    const rebalanceTimeoutMs = r.int32();
    const memberId = r.string();
    const groupInstanceId = r.nullableString();
    const protocolType = r.string();
    const protocols = readProtocols(r);
    return {
      groupId,
      sessionTimeoutMs,
      rebalanceTimeoutMs,
      memberId,
      groupInstanceId,
      protocolType,
      protocols,
    };
  },
  encodeResponse(w, res) {
    w.int32(0);
    writeJoinResult(w, res, (mw, m) =>
      mw.string(m.memberId).nullableString(m.groupInstanceId).bytes(m.metadata),
    );
  },
};
