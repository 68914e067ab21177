import { ErrorCode } from '../error-codes.js';
import type { ApiHandler } from '../api-definition.js';
import { listGroupsApi, type ListGroupsRequest, type ListGroupsResponse } from './index.js';

export const listGroupsHandler: ApiHandler<ListGroupsRequest, ListGroupsResponse> = {
  api: listGroupsApi,
  async handle(_request, { broker }) {
    const groups = broker.groups
      .listGroups()
      .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType }));
    return { errorCode: ErrorCode.NONE, groups };
  },
};
