/*
 * Heartbeat Request (Version: 0) => group_id generation_id member_id
 *   group_id => STRING
 *   generation_id => INT32
 *   member_id => STRING
 *
 * Heartbeat Response (Version: 0) => error_code
 *   error_code => INT16
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { HeartbeatRequest, HeartbeatResponse } from './index.js';

export const v0: ApiVersionCodec<HeartbeatRequest, HeartbeatResponse> = {
  decodeRequest: (r) => ({
    groupId: r.string(),
    generationId: r.int32(),
    memberId: r.string(),
    groupInstanceId: null,
  }),
  encodeResponse(w, res) {
    w.int16(res.errorCode);
  },
};
