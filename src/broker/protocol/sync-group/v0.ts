/*
 * SyncGroup Request (Version: 0) => group_id generation_id member_id [assignments]
 *   group_id => STRING
 *   generation_id => INT32
 *   member_id => STRING
 *   assignments => member_id assignment
 *     member_id => STRING
 *     assignment => BYTES
 *
 * SyncGroup Response (Version: 0) => error_code assignment
 *   error_code => INT16
 *   assignment => BYTES
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { Reader } from '../reader.js';
import type { SyncGroupRequest, SyncGroupResponse } from './index.js';

export function readAssignments(r: Reader): SyncGroupRequest['assignments'] {
  return r.array((a) => ({ memberId: a.string(), assignment: a.bytes() }));
}

export const v0: ApiVersionCodec<SyncGroupRequest, SyncGroupResponse> = {
  decodeRequest(r) {
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    return { groupId, generationId, memberId, groupInstanceId: null, assignments: readAssignments(r) };
  },
  encodeResponse(w, res) {
    w.int16(res.errorCode).bytes(res.assignment);
  },
};
