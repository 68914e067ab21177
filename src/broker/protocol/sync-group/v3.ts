/*
 * SyncGroup Request (Version: 3) => group_id generation_id member_id group_instance_id [assignments]
 *   group_id => STRING
 *   generation_id => INT32
 *   member_id => STRING
 *   group_instance_id => NULLABLE_STRING
 *   assignments => member_id assignment
 *     member_id => STRING
 *     assignment => BYTES
 *
 * SyncGroup Response (Version: 3) => throttle_time_ms error_code assignment
 *   (same layout as v2)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { SyncGroupRequest, SyncGroupResponse } from './index.js';
import { readAssignments } from './v0.js';
import { v2 } from './v2.js';

export const v3: ApiVersionCodec<SyncGroupRequest, SyncGroupResponse> = {
  decodeRequest(r) {
    const groupId = r.string();
    const generationId = r.int32();
    const memberId = r.string();
    const groupInstanceId = r.nullableString();
    return { groupId, generationId, memberId, groupInstanceId, assignments: readAssignments(r) };
  },
  encodeResponse: v2.encodeResponse,
};
