import { ErrorCode } from '../error-codes.js';
import type { ApiHandler } from '../api-definition.js';
import { describeGroupsApi, type DescribeGroupsRequest, type DescribeGroupsResponse } from './index.js';

/** Kafka's "not asked for" value of authorized_operations. */
const NOT_REQUESTED = -2147483648;
/** No ACLs here: a client may READ, DELETE and DESCRIBE any group (AclOperation codes 3, 6 and 8). */
const ALL_GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);

export const describeGroupsHandler: ApiHandler<DescribeGroupsRequest, DescribeGroupsResponse> = {
  api: describeGroupsApi,
  async handle(request, { broker }) {
    const authorizedOperations = request.includeAuthorizedOperations ? ALL_GROUP_OPERATIONS : NOT_REQUESTED;
    return {
      groups: request.groups.map((groupId) => ({
        ...broker.groups.describeGroup(groupId),
        errorCode: groupId ? ErrorCode.NONE : ErrorCode.INVALID_GROUP_ID,
        authorizedOperations,
      })),
    };
  },
};
