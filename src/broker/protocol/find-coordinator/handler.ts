import { ErrorCode } from '../error-codes.js';
import type { ApiHandler } from '../api-definition.js';
import { findCoordinatorApi, type FindCoordinatorRequest, type FindCoordinatorResponse } from './index.js';

const GROUP_KEY = 0;

/** A single broker is the coordinator of every group; transactions have no coordinator here. */
export const findCoordinatorHandler: ApiHandler<FindCoordinatorRequest, FindCoordinatorResponse> = {
  api: findCoordinatorApi,
  async handle(request, { broker }) {
    if (request.keyType !== GROUP_KEY) {
      return {
        errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE,
        errorMessage: 'transactions are not supported by the embedded broker',
        nodeId: -1,
        host: '',
        port: -1,
      };
    }
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      nodeId: broker.nodeId,
      host: broker.host,
      port: broker.port,
    };
  },
};
