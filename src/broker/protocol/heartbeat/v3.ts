/*
 * Heartbeat Request (Version: 3) => group_id generation_id member_id group_instance_id
 *   group_id => STRING
 *   generation_id => INT32
 *   member_id => STRING
 *   group_instance_id => NULLABLE_STRING
 *
 * Heartbeat Response (Version: 3) => throttle_time_ms error_code
 *   (same layout as v2)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { HeartbeatRequest, HeartbeatResponse } from './index.js';
import { v2 } from './v2.js';

export const v3: ApiVersionCodec<HeartbeatRequest, HeartbeatResponse> = {
  decodeRequest: (r) => ({
    groupId: r.string(),
    generationId: r.int32(),
    memberId: r.string(),
    groupInstanceId: r.nullableString(),
  }),
  encodeResponse: v2.encodeResponse,
};
