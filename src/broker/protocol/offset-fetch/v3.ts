/*
 * OffsetFetch Request (Version: 3) => group_id [topics]
 *   (same layout as v2)
 *
 * OffsetFetch Response (Version: 3) => throttle_time_ms [topics] error_code
 *   throttle_time_ms => INT32
 *   (then as v2)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { OffsetFetchRequest, OffsetFetchResponse } from './index.js';
import { v2 } from './v2.js';

export const v3: ApiVersionCodec<OffsetFetchRequest, OffsetFetchResponse> = {
  decodeRequest: v2.decodeRequest,
  encodeResponse(w, res) {
    w.int32(0);
    v2.encodeResponse(w, res);
  },
};
