import type { ApiHandler } from '../api-definition.js';
import { syncGroupApi, type SyncGroupRequest, type SyncGroupResponse } from './index.js';

export const syncGroupHandler: ApiHandler<SyncGroupRequest, SyncGroupResponse> = {
  api: syncGroupApi,
  async handle(request, { broker }) {
    return broker.groups.syncGroup(request);
  },
};
