/*
 * DeleteGroups Request (Version: 0) => [groups_names]
 *   groups_names => STRING
 *
 * DeleteGroups Response (Version: 0) => throttle_time_ms [results]
 *   throttle_time_ms => INT32
 *   results => group_id error_code
 *     group_id => STRING
 *     error_code => INT16
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { DeleteGroupsRequest, DeleteGroupsResponse } from './index.js';

export const v0: ApiVersionCodec<DeleteGroupsRequest, DeleteGroupsResponse> = {
  decodeRequest: (r) => ({ groupsNames: r.array((r) => r.string()) }),
  encodeResponse(w, res) {
    w.int32(res.throttleTimeMs);
    w.array(res.results, (w, g) => w.string(g.groupId).int16(g.errorCode));
  },
};
