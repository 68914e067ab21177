import type { BrokerState } from '../../broker-state.js';
import { topicNameProblem } from '../../log/topic-name.js';
import type { ApiHandler } from '../api-definition.js';
import { ErrorCode } from '../error-codes.js';
import {
  createTopicsApi,
  type CreatableTopic,
  type CreateTopicsRequest,
  type CreateTopicsResponse,
} from './index.js';

/**
 * Creates each topic independently. Replication factor must be 1 or -1 (one node); a manual assignment
 * decides the partition count and may only name this node. Topic configs are accepted and ignored: the
 * broker's own retention settings apply to every topic (see docs/broker.md).
 */
export const createTopicsHandler: ApiHandler<CreateTopicsRequest, CreateTopicsResponse> = {
  api: createTopicsApi,
  async handle(request, ctx) {
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const topics: CreateTopicsResponse['topics'] = [];
    for (const t of request.topics) {
      if (counts.get(t.name)! > 1) {
        topics.push({
          name: t.name,
          errorCode: ErrorCode.INVALID_REQUEST,
          errorMessage: 'topic listed twice',
        });
        continue;
      }
      topics.push({ name: t.name, ...(await createOne(ctx.broker, t, request.validateOnly)) });
    }
    return { throttleTimeMs: 0, topics };
  },
};

async function createOne(
  broker: BrokerState,
  t: CreatableTopic,
  validateOnly: boolean,
): Promise<{ errorCode: number; errorMessage: string | null }> {
  const fail = (errorCode: number, errorMessage: string) => ({ errorCode, errorMessage });
  const problem = topicNameProblem(t.name);
  if (problem !== null) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
  if (t.replicationFactor !== -1 && t.replicationFactor !== 1)
    return fail(ErrorCode.INVALID_REPLICATION_FACTOR, 'a single-node broker has replication factor 1');
  let partitions = t.numPartitions === -1 ? broker.config.defaultPartitions : t.numPartitions;
  if (t.assignments.length > 0) {
    if (t.assignments.some((a) => a.brokerIds.some((id) => id !== broker.nodeId)))
      return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `the only broker is ${broker.nodeId}`);
    partitions = t.assignments.length;
  }
  if (partitions < 1)
    return fail(ErrorCode.INVALID_PARTITIONS, `partitions must be at least 1, got ${partitions}`);
  if (broker.topics.partitionCount(t.name) !== undefined)
    return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `topic "${t.name}" already exists`);
  if (validateOnly) return { errorCode: ErrorCode.NONE, errorMessage: null };
  const outcome = await broker.topics.create(t.name, partitions);
  return outcome.ok
    ? { errorCode: ErrorCode.NONE, errorMessage: null }
    : fail(ErrorCode[outcome.error], outcome.message);
}
