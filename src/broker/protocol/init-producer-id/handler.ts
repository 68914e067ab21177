import type { BrokerState } from '../../broker-state.js';
import type { ApiHandler } from '../api-definition.js';
import { ErrorCode } from '../error-codes.js';
import { initProducerIdApi, type InitProducerIdRequest, type InitProducerIdResponse } from './index.js';

/**
 * Hands out producer ids for idempotent producers. Ids start from the clock (ms << 12) and count up, so
 * they do not repeat across restarts without any state on disk; and they are always above every id in
 * the producer state the partitions rebuilt from their logs, so even a clock set back since cannot hand
 * a new producer the id of one whose sequences the broker still checks (its first batch, sequence 0,
 * would be refused as out of order, or taken for the other's retry). Transactions are not supported: a
 * transactional id is refused.
 */
let lastId = 0n;

function nextProducerId(broker: BrokerState): bigint {
  const fromClock = BigInt(Date.now()) << 12n;
  let floor = lastId;
  for (const partition of broker.topics.allPartitions())
    if (partition.maxProducerId > floor) floor = partition.maxProducerId;
  lastId = fromClock > floor ? fromClock : floor + 1n;
  return lastId;
}

export const initProducerIdHandler: ApiHandler<InitProducerIdRequest, InitProducerIdResponse> = {
  api: initProducerIdApi,
  async handle(request, ctx) {
    if (request.transactionalId !== null)
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
        producerId: -1n,
        producerEpoch: -1,
      };
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      producerId: nextProducerId(ctx.broker),
      producerEpoch: 0,
    };
  },
};
