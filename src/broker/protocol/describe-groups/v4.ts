/*
 * DescribeGroups Request (Version: 4) => [groups] include_authorized_operations
 *   (same layout as v3)
 *
 * DescribeGroups Response (Version: 4) => throttle_time_ms [groups]
 *   throttle_time_ms => INT32
 *   groups => error_code group_id group_state protocol_type protocol_data [members] authorized_operations
 *     members => member_id group_instance_id client_id client_host member_metadata member_assignment
 *       member_id => STRING
 *       group_instance_id => NULLABLE_STRING
 *       (client_id … member_assignment as v3)
 *     authorized_operations => INT32
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { DescribeGroupsRequest, DescribeGroupsResponse } from './index.js';
import { writeGroup } from './v0.js';
import { v3 } from './v3.js';

export const v4: ApiVersionCodec<DescribeGroupsRequest, DescribeGroupsResponse> = {
  decodeRequest: v3.decodeRequest,
  encodeResponse(w, res) {
    w.int32(0).array(res.groups, (gw, g) => {
      writeGroup(gw, g, true);
      gw.int32(g.authorizedOperations);
    });
  },
};
