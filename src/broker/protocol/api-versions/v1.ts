/*
 * ApiVersions Request (Version: 1) => (no fields)
 *
 * ApiVersions Response (Version: 1) => error_code [api_keys] throttle_time_ms
 *   error_code, api_keys => (as v0)
 *   throttle_time_ms => INT32           (new in v1)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { ApiVersionsRequest, ApiVersionsResponse } from './index.js';
import { v0, writeErrorAndKeys } from './v0.js';

export const v1: ApiVersionCodec<ApiVersionsRequest, ApiVersionsResponse> = {
  decodeRequest: v0.decodeRequest,
  encodeResponse(w, res) {
    writeErrorAndKeys(w, res);
    w.int32(res.throttleTimeMs);
  },
};
