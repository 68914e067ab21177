/*
 * CreateTopics Request (Version: 2) => [topics] timeout_ms validate_only
 *   (same layout as v1)
 *
 * CreateTopics Response (Version: 2) => throttle_time_ms [topics]
 *   throttle_time_ms => INT32           (new in v2)
 *   topics => (as v1)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { CreateTopicsRequest, CreateTopicsResponse } from './index.js';
import { v1, writeTopics } from './v1.js';

export const v2: ApiVersionCodec<CreateTopicsRequest, CreateTopicsResponse> = {
  decodeRequest: v1.decodeRequest,
  encodeResponse(w, res) {
    w.int32(res.throttleTimeMs);
    writeTopics(w, res);
  },
};
