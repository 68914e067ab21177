import type { ApiDefinition, ApiVersionRange } from '../api-definition.js';
import { v0 } from './v0.js';
import { v1 } from './v1.js';
import { v2 } from './v2.js';

/*
 * ApiVersions: v3 is flexible (compact arrays, tagged fields, client software name); clients that open
 * with it, as librdkafka does, get the v0-format UNSUPPORTED_VERSION answer from the server and retry.
 */
export type ApiVersionsRequest = Record<string, never>;

export interface ApiVersionsResponse {
  errorCode: number;
  apiKeys: readonly ApiVersionRange[];
  throttleTimeMs: number;
}

export const apiVersionsApi: ApiDefinition<ApiVersionsRequest, ApiVersionsResponse> = {
  apiKey: 18,
  name: 'ApiVersions',
  versions: { 0: v0, 1: v1, 2: v2 },
};
