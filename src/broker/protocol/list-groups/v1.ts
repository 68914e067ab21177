/*
 * ListGroups Request (Version: 1) =>
 *
 * ListGroups Response (Version: 1) => throttle_time_ms error_code [groups]
 *   throttle_time_ms => INT32
 *   (then as v0)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { ListGroupsRequest, ListGroupsResponse } from './index.js';
import { writeGroups } from './v0.js';

export const v1: ApiVersionCodec<ListGroupsRequest, ListGroupsResponse> = {
  decodeRequest: () => ({}),
  encodeResponse(w, res) {
    w.int32(0);
    writeGroups(w, res);
  },
};
