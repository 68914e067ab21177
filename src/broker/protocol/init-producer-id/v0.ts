/*
 * InitProducerId Request (Version: 0) => transactional_id transaction_timeout_ms
 *   transactional_id => NULLABLE_STRING
 *   transaction_timeout_ms => INT32
 *
 * InitProducerId Response (Version: 0) => throttle_time_ms error_code producer_id producer_epoch
 *   throttle_time_ms => INT32
 *   error_code => INT16
 *   producer_id => INT64
 *   producer_epoch => INT16
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { InitProducerIdRequest, InitProducerIdResponse } from './index.js';

export const v0: ApiVersionCodec<InitProducerIdRequest, InitProducerIdResponse> = {
  decodeRequest: (r) => ({ transactionalId: r.nullableString(), transactionTimeoutMs: r.int32() }),
  encodeResponse(w, res) {
    w.int32(res.throttleTimeMs).int16(res.errorCode).int64(res.producerId).int16(res.producerEpoch);
  },
};
