/*
 * ApiVersions Request (Version: 0) => (no fields)
 *
 * ApiVersions Response (Version: 0) => error_code [api_keys]
 *   error_code => INT16
 *   api_keys => api_key min_version max_version
 *     api_key => INT16
 *     min_version => INT16
 *     max_version => INT16
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { Writer } from '../writer.js';
import type { ApiVersionsRequest, ApiVersionsResponse } from './index.js';

export function writeErrorAndKeys(w: Writer, res: ApiVersionsResponse): void {
  w.int16(res.errorCode);
  w.array(res.apiKeys, (w, k) => w.int16(k.apiKey).int16(k.minVersion).int16(k.maxVersion));
}

export const v0: ApiVersionCodec<ApiVersionsRequest, ApiVersionsResponse> = {
  decodeRequest: () => ({}),
  encodeResponse: writeErrorAndKeys,
};
