import type { PartitionLog } from '../../log/partition-log.js';
import type { ApiHandler } from '../api-definition.js';
import { ErrorCode } from '../error-codes.js';
import {
  listOffsetsApi,
  type ListOffsetsPartitionResponse,
  type ListOffsetsRequest,
  type ListOffsetsResponse,
} from './index.js';

const LATEST = -1;
const EARLIEST = -2;

/** Earliest (-2), latest (-1, the high watermark), or the first record at or after a timestamp. */
export const listOffsetsHandler: ApiHandler<ListOffsetsRequest, ListOffsetsResponse> = {
  api: listOffsetsApi,
  async handle(request, ctx) {
    const topics = await Promise.all(
      request.topics.map(async (t) => ({
        name: t.name,
        partitions: await Promise.all(
          t.partitions.map((p) => lookup(ctx.broker.topics.partition(t.name, p.partitionIndex), p)),
        ),
      })),
    );
    return { throttleTimeMs: 0, topics };
  },
};

async function lookup(
  log: PartitionLog | undefined,
  { partitionIndex, timestamp }: { partitionIndex: number; timestamp: number },
): Promise<ListOffsetsPartitionResponse> {
  const none = { partitionIndex, errorCode: ErrorCode.NONE, timestamp: -1, offset: -1 };
  if (log === undefined) return { ...none, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
  if (timestamp === LATEST) return { ...none, offset: log.highWatermark };
  if (timestamp === EARLIEST) return { ...none, offset: log.logStartOffset };
  // A read can fail only if the topic is deleted meanwhile.
  const found = await log.offsetForTimestamp(timestamp).catch(() => undefined);
  return found === undefined ? none : { ...none, ...found };
}
