import type { ApiHandler } from '../api.js';
import { ErrorCode } from '../error-codes.js';
import { listOffsetsApi, type ListOffsetsRequest, type ListOffsetsResponse } from './index.js';

const LATEST = -1;
const EARLIEST = -2;

/** Earliest (-2), latest (-1, the high watermark), or the first offset at or after a timestamp. */
export const listOffsetsHandler: ApiHandler<ListOffsetsRequest, ListOffsetsResponse> = {
  api: listOffsetsApi,
  async handle(request, ctx) {
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map(({ partitionIndex, timestamp }) => {
          const log = ctx.broker.topics.partition(t.name, partitionIndex);
          if (log === undefined)
            return {
              partitionIndex,
              errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
              timestamp: -1,
              offset: -1,
            };
          let offset: number;
          if (timestamp === LATEST) offset = log.highWatermark;
          else if (timestamp === EARLIEST) offset = log.logStartOffset;
          else offset = log.offsetForTimestamp(timestamp) ?? -1;
          return { partitionIndex, errorCode: ErrorCode.NONE, timestamp: -1, offset };
        }),
      })),
    };
  },
};
