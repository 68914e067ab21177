/*
 * JoinGroup Request (Version: 0) => group_id session_timeout_ms member_id protocol_type [protocols]
 *   group_id => STRING
 *   session_timeout_ms => INT32
 *   member_id => STRING
 *   protocol_type => STRING
 *   protocols => name metadata
 *     name => STRING
 *     metadata => BYTES
 *
 * JoinGroup Response (Version: 0) => error_code generation_id protocol_name leader member_id [members]
 *   error_code => INT16
 *   generation_id => INT32
 *   protocol_name => STRING
 *   leader => STRING
 *   member_id => STRING
 *   members => member_id metadata
 *     member_id => STRING
 *     metadata => BYTES
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import type { JoinGroupRequest, JoinGroupResponse } from './index.js';

export function readProtocols(r: Reader): JoinGroupRequest['protocols'] {
  return r.array((p) => ({ name: p.string(), metadata: p.bytes() }));
}

type Member = JoinGroupResponse['members'][number];

/** members => member_id metadata, up to v4 (v5 adds group_instance_id). */
function writeMember(w: Writer, m: Member): void {
  w.string(m.memberId).bytes(m.metadata);
}

/** The response from error_code on, shared by every version; v5 passes its own member layout. */
export function writeJoinResult(
  w: Writer,
  res: JoinGroupResponse,
  member: (w: Writer, m: Member) => void = writeMember,
): void {
  w.int16(res.errorCode)
    .int32(res.generationId)
    .string(res.protocolName)
    .string(res.leader)
    .string(res.memberId);
  w.array(res.members, member);
}

export const v0: ApiVersionCodec<JoinGroupRequest, JoinGroupResponse> = {
  decodeRequest(r) {
    const groupId = r.string();
    const sessionTimeoutMs = r.int32();
    const memberId = r.string();
    const protocolType = r.string();
    const protocols = readProtocols(r);
    return {
      groupId,
      sessionTimeoutMs,
      rebalanceTimeoutMs: sessionTimeoutMs,
      memberId,
      groupInstanceId: null,
      protocolType,
      protocols,
    };
  },
  encodeResponse: writeJoinResult,
};
