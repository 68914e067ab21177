import type { ApiDefinition, ApiVersionCodec } from '../api.js';

/**
 * InitProducerId Request (Version: 0-1) => transactional_id NULLABLE_STRING, transaction_timeout_ms INT32
 *
 * InitProducerId Response (Version: 0-1) => throttle_time_ms INT32, error_code INT16, producer_id INT64,
 *                                          producer_epoch INT16
 *
 * v1 only changes throttling behaviour; v2 is flexible.
 */
export interface InitProducerIdRequest {
  transactionalId: string | null;
  transactionTimeoutMs: number;
}

export interface InitProducerIdResponse {
  throttleTimeMs: number;
  errorCode: number;
  producerId: bigint;
  producerEpoch: number;
}

const codec: ApiVersionCodec<InitProducerIdRequest, InitProducerIdResponse> = {
  decodeRequest: (r) => ({ transactionalId: r.nullableString(), transactionTimeoutMs: r.int32() }),
  encodeResponse(w, res) {
    w.int32(res.throttleTimeMs).int16(res.errorCode).int64(res.producerId).int16(res.producerEpoch);
  },
};

export const initProducerIdApi: ApiDefinition<InitProducerIdRequest, InitProducerIdResponse> = {
  apiKey: 22,
  name: 'InitProducerId',
  versions: { 0: codec, 1: codec },
};
