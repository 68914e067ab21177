/*
 * DescribeGroups Request (Version: 0) => [groups]
 *   groups => STRING
 *
 * DescribeGroups Response (Version: 0) => [groups]
 *   groups => error_code group_id group_state protocol_type protocol_data [members]
 *     error_code => INT16
 *     group_id => STRING
 *     group_state => STRING
 *     protocol_type => STRING
 *     protocol_data => STRING
 *     members => member_id client_id client_host member_metadata member_assignment
 *       member_id => STRING
 *       client_id => STRING
 *       client_host => STRING
 *       member_metadata => BYTES
 *       member_assignment => BYTES
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { Writer } from '../writer.js';
import type { DescribedGroup, DescribeGroupsRequest, DescribeGroupsResponse } from './index.js';

type Member = DescribedGroup['members'][number];

/** One group's fields up to and including its members; later versions add a member field and a trailer. */
export function writeGroup(w: Writer, g: DescribedGroup, withInstanceId: boolean): void {
  w.int16(g.errorCode).string(g.groupId).string(g.state).string(g.protocolType).string(g.protocolName);
  w.array(g.members, (mw, m: Member) => {
    mw.string(m.memberId);
    if (withInstanceId) mw.nullableString(m.groupInstanceId);
    mw.string(m.clientId).string(m.clientHost).bytes(m.metadata).bytes(m.assignment);
  });
}

export const v0: ApiVersionCodec<DescribeGroupsRequest, DescribeGroupsResponse> = {
  decodeRequest: (r) => ({ groups: r.array((g) => g.string()), includeAuthorizedOperations: false }),
  encodeResponse(w, res) {
    w.array(res.groups, (gw, g) => writeGroup(gw, g, false));
  },
};
