/*
 * ListGroups Request (Version: 0) =>
 *
 * ListGroups Response (Version: 0) => error_code [groups]
 *   error_code => INT16
 *   groups => group_id protocol_type
 *     group_id => STRING
 *     protocol_type => STRING
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { Writer } from '../writer.js';
import type { ListGroupsRequest, ListGroupsResponse } from './index.js';

export function writeGroups(w: Writer, res: ListGroupsResponse): void {
  w.int16(res.errorCode).array(res.groups, (gw, g) => gw.string(g.groupId).string(g.protocolType));
}

export const v0: ApiVersionCodec<ListGroupsRequest, ListGroupsResponse> = {
  decodeRequest: () => ({}),
  encodeResponse: writeGroups,
};
