import { ErrorCode } from '../error-codes.js';
import type { ApiHandler } from '../api-definition.js';
import { offsetFetchApi, type OffsetFetchRequest, type OffsetFetchResponse } from './index.js';

export const offsetFetchHandler: ApiHandler<OffsetFetchRequest, OffsetFetchResponse> = {
  api: offsetFetchApi,
  async handle(request, { broker }) {
    const asked = request.topics?.map((t) => ({ topic: t.name, partitions: t.partitionIndexes })) ?? null;
    const offsets = broker.groups.fetchOffsets(request.groupId, asked);
    const byTopic = new Map<string, OffsetFetchResponse['topics'][number]>();
    for (const o of offsets) {
      let topic = byTopic.get(o.topic);
      if (!topic) byTopic.set(o.topic, (topic = { name: o.topic, partitions: [] }));
      topic.partitions.push({
        partitionIndex: o.partition,
        committedOffset: o.offset,
        committedLeaderEpoch: o.leaderEpoch,
        metadata: o.metadata,
        errorCode: ErrorCode.NONE,
      });
    }
    return { topics: [...byTopic.values()], errorCode: ErrorCode.NONE };
  },
};
