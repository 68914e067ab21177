/*
 * FindCoordinator Request (Version: 0) => key
 *   key => STRING
 *
 * FindCoordinator Response (Version: 0) => error_code node_id host port
 *   error_code => INT16
 *   node_id => INT32
 *   host => STRING
 *   port => INT32
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { FindCoordinatorRequest, FindCoordinatorResponse } from './index.js';

export const v0: ApiVersionCodec<FindCoordinatorRequest, FindCoordinatorResponse> = {
  decodeRequest: (r) => ({ key: r.string(), keyType: 0 }),
  encodeResponse(w, res) {
    w.int16(res.errorCode).int32(res.nodeId).string(res.host).int32(res.port);
  },
};
