import type { ApiDefinition, ApiVersionCodec, ApiVersionRange } from '../api.js';

/**
 * ApiVersions Request (Version: 0-2) => (no fields)
 *
 * ApiVersions Response (Version: 2) => error_code [api_keys] throttle_time_ms
 *   error_code => INT16
 *   api_keys => api_key min_version max_version    (INT16 each)
 *   throttle_time_ms => INT32                       v1+
 *
 * v3 is flexible (compact arrays, tagged fields, client software name); clients that open with it, as
 * librdkafka does, get the v0-format UNSUPPORTED_VERSION answer from the server and retry with v2.
 */
export type ApiVersionsRequest = Record<string, never>;

export interface ApiVersionsResponse {
  errorCode: number;
  apiKeys: readonly ApiVersionRange[];
  throttleTimeMs: number;
}

function codec(version: number): ApiVersionCodec<ApiVersionsRequest, ApiVersionsResponse> {
  return {
    decodeRequest: () => ({}),
    encodeResponse(w, res) {
      w.int16(res.errorCode);
      w.array(res.apiKeys, (w, k) => w.int16(k.apiKey).int16(k.minVersion).int16(k.maxVersion));
      if (version >= 1) w.int32(res.throttleTimeMs);
    },
  };
}

export const apiVersionsApi: ApiDefinition<ApiVersionsRequest, ApiVersionsResponse> = {
  apiKey: 18,
  name: 'ApiVersions',
  versions: { 0: codec(0), 1: codec(1), 2: codec(2) },
};
