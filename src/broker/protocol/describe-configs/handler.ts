import type { BrokerState } from '../../broker-state.js';
import { topicNameProblem } from '../../log/topic-name.js';
import type { ApiHandler } from '../api-definition.js';
import { ErrorCode } from '../error-codes.js';
import { brokerConfigEntries, topicConfigEntries } from './broker-configs.js';
import {
  describeConfigsApi,
  ResourceType,
  type DescribeConfigsRequest,
  type DescribeConfigsResource,
  type DescribeConfigsResponse,
  type DescribeConfigsResult,
} from './index.js';

/**
 * Topic and broker configs, as Kafka's ConfigHelper answers them: a topic must exist
 * (UNKNOWN_TOPIC_OR_PARTITION), a broker resource must name this broker's id, or be empty for the
 * cluster-wide dynamic defaults (there are none: an empty list); other resource types are INVALID_REQUEST.
 */
export const describeConfigsHandler: ApiHandler<DescribeConfigsRequest, DescribeConfigsResponse> = {
  api: describeConfigsApi,
  async handle(request, { broker }) {
    return { throttleTimeMs: 0, results: request.resources.map((r) => describeResource(r, request, broker)) };
  },
};

function describeResource(
  resource: DescribeConfigsResource,
  options: DescribeConfigsRequest,
  broker: BrokerState,
): DescribeConfigsResult {
  const { resourceType, resourceName, configurationKeys: keys } = resource;
  const result = (configs: DescribeConfigsResult['configs']): DescribeConfigsResult => ({
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    resourceType,
    resourceName,
    configs,
  });
  const failed = (errorCode: number, errorMessage: string): DescribeConfigsResult => ({
    ...result([]),
    errorCode,
    errorMessage,
  });
  if (resourceType === ResourceType.topic) {
    const problem = topicNameProblem(resourceName);
    if (problem !== null) return failed(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
    if (broker.topics.partitionCount(resourceName) === undefined)
      return failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `topic ${resourceName} does not exist`);
    return result(topicConfigEntries(broker, keys, options));
  }
  if (resourceType === ResourceType.broker) {
    if (resourceName === '') return result([]);
    if (resourceName !== String(broker.nodeId))
      return failed(
        ErrorCode.INVALID_REQUEST,
        `Unexpected broker id, expected ${broker.nodeId} or empty string, but received ${resourceName}`,
      );
    return result(brokerConfigEntries(broker, keys, options));
  }
  return failed(ErrorCode.INVALID_REQUEST, `Unsupported resource type: ${resourceType}`);
}
