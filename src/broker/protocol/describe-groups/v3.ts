/*
 * DescribeGroups Request (Version: 3) => [groups] include_authorized_operations
 *   groups => STRING
 *   include_authorized_operations => BOOLEAN
 *
 * DescribeGroups Response (Version: 3) => throttle_time_ms [groups]
 *   throttle_time_ms => INT32
 *   groups => error_code group_id group_state protocol_type protocol_data [members] authorized_operations
 *     (error_code … members as v2)
 *     authorized_operations => INT32
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { DescribeGroupsRequest, DescribeGroupsResponse } from './index.js';
import { writeGroup } from './v0.js';

export const v3: ApiVersionCodec<DescribeGroupsRequest, DescribeGroupsResponse> = {
  decodeRequest: (r) => ({ groups: r.array((g) => g.string()), includeAuthorizedOperations: r.boolean() }),
  encodeResponse(w, res) {
    w.int32(0).array(res.groups, (gw, g) => {
      writeGroup(gw, g, false);
      gw.int32(g.authorizedOperations);
    });
  },
};
