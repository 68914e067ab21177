/*
 * FindCoordinator Request (Version: 1) => key key_type
 *   key => STRING
 *   key_type => INT8
 *
 * FindCoordinator Response (Version: 1) => throttle_time_ms error_code error_message node_id host port
 *   throttle_time_ms => INT32
 *   error_code => INT16
 *   error_message => NULLABLE_STRING
 *   node_id => INT32
 *   host => STRING
 *   port => INT32
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { FindCoordinatorRequest, FindCoordinatorResponse } from './index.js';

export const v1: ApiVersionCodec<FindCoordinatorRequest, FindCoordinatorResponse> = {
  decodeRequest: (r) => ({ key: r.string(), keyType: r.int8() }),
  encodeResponse(w, res) {
    w.int32(0).int16(res.errorCode).nullableString(res.errorMessage);
    w.int32(res.nodeId).string(res.host).int32(res.port);
  },
};
