import type { ApiHandler } from '../api-definition.js';
import { ErrorCode } from '../error-codes.js';
import { offsetDeleteApi, type OffsetDeleteRequest, type OffsetDeleteResponse } from './index.js';

/**
 * Forgets committed offsets of some partitions (GroupCoordinator.deleteOffsets). As in Kafka, a partition
 * of a topic the broker does not have gets UNKNOWN_TOPIC_OR_PARTITION and is not passed on.
 */
export const offsetDeleteHandler: ApiHandler<OffsetDeleteRequest, OffsetDeleteResponse> = {
  api: offsetDeleteApi,
  async handle(request, { broker }) {
    const known = (topic: string, partition: number): boolean => {
      const count = broker.topics.partitionCount(topic);
      return count !== undefined && partition >= 0 && partition < count;
    };
    const asked = request.topics.flatMap((t) =>
      t.partitions.map((partition) => ({ topic: t.name, partition })),
    );
    const result = await broker.groups.deleteOffsets(
      request.groupId,
      asked.filter((p) => known(p.topic, p.partition)),
    );
    if (result.errorCode !== ErrorCode.NONE)
      return { errorCode: result.errorCode, throttleTimeMs: 0, topics: [] };
    const codes = new Map(result.partitions.map((p) => [`${p.topic}\0${p.partition}`, p.errorCode]));
    return {
      errorCode: ErrorCode.NONE,
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((partitionIndex) => ({
          partitionIndex,
          errorCode: codes.get(`${t.name}\0${partitionIndex}`) ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        })),
      })),
    };
  },
};
