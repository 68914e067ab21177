import type { BrokerState } from '../../broker-state.js';
import { topicNameProblem } from '../../log/topic-name.js';
import type { ApiHandler } from '../api-definition.js';
import { ErrorCode } from '../error-codes.js';
import { metadataApi, type MetadataRequest, type MetadataResponse, type MetadataTopic } from './index.js';

/** One broker that leads every partition; a requested topic that does not exist is created if allowed. */
export const metadataHandler: ApiHandler<MetadataRequest, MetadataResponse> = {
  api: metadataApi,
  async handle(request, ctx) {
    const { broker } = ctx;
    const names = request.topics ?? broker.topics.topicNames();
    const topics: MetadataTopic[] = [];
    for (const name of names) topics.push(await describeTopic(broker, name, request.allowAutoTopicCreation));
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId: broker.nodeId, host: broker.host, port: broker.port, rack: null }],
      clusterId: broker.clusterId,
      controllerId: broker.nodeId,
      topics,
    };
  },
};

async function describeTopic(
  broker: BrokerState,
  name: string,
  allowCreate: boolean,
): Promise<MetadataTopic> {
  const count = allowCreate ? await broker.topics.ensure(name) : broker.topics.partitionCount(name);
  if (count === undefined) {
    const errorCode =
      topicNameProblem(name) === null
        ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
        : ErrorCode.INVALID_TOPIC_EXCEPTION;
    return { errorCode, name, isInternal: false, partitions: [] };
  }
  const node = broker.nodeId;
  return {
    errorCode: ErrorCode.NONE,
    name,
    isInternal: false,
    partitions: Array.from({ length: count }, (_, partitionIndex) => ({
      errorCode: ErrorCode.NONE,
      partitionIndex,
      leaderId: node,
      leaderEpoch: 0,
      replicaNodes: [node],
      isrNodes: [node],
    })),
  };
}
