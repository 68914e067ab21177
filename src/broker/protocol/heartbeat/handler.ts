import type { ApiHandler } from '../api-definition.js';
import { heartbeatApi, type HeartbeatRequest, type HeartbeatResponse } from './index.js';

export const heartbeatHandler: ApiHandler<HeartbeatRequest, HeartbeatResponse> = {
  api: heartbeatApi,
  async handle(request, { broker }) {
    return { errorCode: broker.groups.heartbeat(request.groupId, request.generationId, request.memberId) };
  },
};
