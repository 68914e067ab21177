/*
 * DeleteTopics Request (Version: 1) => [topic_names] timeout_ms
 *   (same layout as v0)
 *
 * DeleteTopics Response (Version: 1) => throttle_time_ms [responses]
 *   throttle_time_ms => INT32           (new in v1)
 *   responses => (as v0)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { DeleteTopicsRequest, DeleteTopicsResponse } from './index.js';
import { v0, writeResponses } from './v0.js';

export const v1: ApiVersionCodec<DeleteTopicsRequest, DeleteTopicsResponse> = {
  decodeRequest: v0.decodeRequest,
  encodeResponse(w, res) {
    w.int32(res.throttleTimeMs);
    writeResponses(w, res);
  },
};
