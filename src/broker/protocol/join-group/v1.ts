/*
 * JoinGroup Request (Version: 1) => group_id session_timeout_ms rebalance_timeout_ms member_id protocol_type [protocols]
 *   group_id => STRING
 *   session_timeout_ms => INT32
 *   rebalance_timeout_ms => INT32
 *   member_id => STRING
 *   protocol_type => STRING
 *   protocols => name metadata
 *     name => STRING
 *     metadata => BYTES
 *
 * JoinGroup Response (Version: 1) => error_code generation_id protocol_name leader member_id [members]
 *   (same layout as v0)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { JoinGroupRequest, JoinGroupResponse } from './index.js';
import { readProtocols, writeJoinResult } from './v0.js';

export const v1: ApiVersionCodec<JoinGroupRequest, JoinGroupResponse> = {
  decodeRequest(r) {
    const groupId = r.string();
    const sessionTimeoutMs = r.int32();
    const rebalanceTimeoutMs = r.int32();
    const memberId = r.string();
    const protocolType = r.string();
    const protocols = readProtocols(r);
    return {
      groupId,
      sessionTimeoutMs,
      rebalanceTimeoutMs,
      memberId,
      groupInstanceId: null,
      protocolType,
      protocols,
    };
  },
  encodeResponse: writeJoinResult,
};
