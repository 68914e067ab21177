import type { ApiHandler } from '../api-definition.js';
import { ErrorCode } from '../error-codes.js';
import { apiVersionsApi, type ApiVersionsRequest, type ApiVersionsResponse } from './index.js';

/** Advertises exactly the versions registered in api-registry.ts (computed once at start). */
export const apiVersionsHandler: ApiHandler<ApiVersionsRequest, ApiVersionsResponse> = {
  api: apiVersionsApi,
  async handle(_request, ctx) {
    return { errorCode: ErrorCode.NONE, apiKeys: ctx.broker.apiVersions, throttleTimeMs: 0 };
  },
};
