import type { BrokerState } from '../../broker-state.js';
import { BatchValidationError, splitAndValidate } from '../../log/record-batch.js';
import { NO_RESPONSE, type ApiHandler } from '../api-definition.js';
import { ErrorCode } from '../error-codes.js';
import {
  produceApi,
  type ProducePartitionData,
  type ProducePartitionResponse,
  type ProduceRequest,
  type ProduceResponse,
} from './index.js';

/**
 * Validates and appends each partition's batch; partitions are independent (one failing does not fail the
 * others). acks=1 and acks=-1 are the same on a single node: the response waits for the write (and the
 * fsync, with fsync 'always'). acks=0 gets no response at all, as in Kafka.
 */
export const produceHandler: ApiHandler<ProduceRequest, ProduceResponse> = {
  api: produceApi,
  async handle(request, ctx) {
    const { broker } = ctx;
    const validAcks = request.acks === 0 || request.acks === 1 || request.acks === -1;
    const sync = request.acks !== 0 && broker.config.fsync === 'always';
    const responses = await Promise.all(
      request.topicData.map(async (t) => {
        const count = validAcks ? await broker.topics.ensure(t.name) : undefined;
        const partitionResponses = await Promise.all(
          t.partitionData.map((p) => {
            if (!validAcks) return failed(p.index, ErrorCode.INVALID_REQUIRED_ACKS);
            if (count === undefined || p.index < 0 || p.index >= count)
              return failed(p.index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
            return appendPartition(broker, t.name, p, sync);
          }),
        );
        return { name: t.name, partitionResponses };
      }),
    );
    if (request.acks === 0) return NO_RESPONSE;
    return { responses, throttleTimeMs: 0 };
  },
};

async function appendPartition(
  broker: BrokerState,
  topic: string,
  data: ProducePartitionData,
  sync: boolean,
): Promise<ProducePartitionResponse> {
  const log = broker.topics.partition(topic, data.index);
  if (log === undefined) return failed(data.index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (data.records === null) return failed(data.index, ErrorCode.INVALID_RECORD);
  let batches: Buffer[];
  try {
    batches = splitAndValidate(data.records, broker.config.maxFrameBytes);
  } catch (err) {
    if (!(err instanceof BatchValidationError)) throw err;
    broker.log(`produce to ${topic}-${data.index} refused: ${err.message}`);
    return failed(data.index, ErrorCode[err.errorName]);
  }
  // Kafka accepts exactly one batch per partition from Produce v3 on; it keeps sequence checks simple.
  if (batches.length !== 1) return failed(data.index, ErrorCode.INVALID_RECORD);
  try {
    const result = await log.append(batches[0]!, sync);
    if (result.error !== undefined) return failed(data.index, ErrorCode[result.error]);
    return {
      index: data.index,
      errorCode: ErrorCode.NONE,
      baseOffset: result.baseOffset,
      logAppendTimeMs: -1,
      logStartOffset: log.logStartOffset,
    };
  } catch (err) {
    broker.log(`write to ${topic}-${data.index} failed: ${(err as Error).message}`);
    return failed(data.index, ErrorCode.KAFKA_STORAGE_ERROR);
  }
}

function failed(index: number, errorCode: number): ProducePartitionResponse {
  return { index, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 };
}
