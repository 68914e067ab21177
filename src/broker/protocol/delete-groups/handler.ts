import type { ApiHandler } from '../api-definition.js';
import { deleteGroupsApi, type DeleteGroupsRequest, type DeleteGroupsResponse } from './index.js';

/** Deletes groups without members, with their committed offsets (GroupCoordinator.deleteGroups). */
export const deleteGroupsHandler: ApiHandler<DeleteGroupsRequest, DeleteGroupsResponse> = {
  api: deleteGroupsApi,
  async handle(request, { broker }) {
    const codes = await broker.groups.deleteGroups(request.groupsNames);
    return {
      throttleTimeMs: 0,
      results: request.groupsNames.map((groupId, i) => ({ groupId, errorCode: codes[i]! })),
    };
  },
};
