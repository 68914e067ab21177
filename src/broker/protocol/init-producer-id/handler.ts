import type { ApiHandler } from '../api.js';
import { ErrorCode } from '../error-codes.js';
import { initProducerIdApi, type InitProducerIdRequest, type InitProducerIdResponse } from './index.js';

/**
 * Hands out producer ids for idempotent producers. Ids start from the clock (ms << 12) and count up, so
 * they never repeat across restarts without any state on disk. Transactions are not supported: a
 * transactional id is refused.
 */
let lastId = 0n;

function nextProducerId(): bigint {
  const fromClock = BigInt(Date.now()) << 12n;
  lastId = fromClock > lastId ? fromClock : lastId + 1n;
  return lastId;
}

export const initProducerIdHandler: ApiHandler<InitProducerIdRequest, InitProducerIdResponse> = {
  api: initProducerIdApi,
  async handle(request) {
    if (request.transactionalId !== null)
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
        producerId: -1n,
        producerEpoch: -1,
      };
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: nextProducerId(), producerEpoch: 0 };
  },
};
