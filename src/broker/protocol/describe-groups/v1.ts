/*
 * DescribeGroups Request (Version: 1) => [groups]
 *   (same layout as v0)
 *
 * DescribeGroups Response (Version: 1) => throttle_time_ms [groups]
 *   throttle_time_ms => INT32
 *   (then as v0)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { DescribeGroupsRequest, DescribeGroupsResponse } from './index.js';
import { v0 } from './v0.js';

export const v1: ApiVersionCodec<DescribeGroupsRequest, DescribeGroupsResponse> = {
  decodeRequest: v0.decodeRequest,
  encodeResponse(w, res) {
    w.int32(0);
    v0.encodeResponse(w, res);
  },
};
