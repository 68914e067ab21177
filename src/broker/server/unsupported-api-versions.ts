import type { ApiVersionRange } from '../protocol/api-definition.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { Writer } from '../protocol/writer.js';

export const API_VERSIONS_KEY = 18;

/**
 * Kafka's answer to an ApiVersions request in a version it does not know (librdkafka opens with v3):
 * response header v0 and the v0 body, error 35 plus the supported ranges, whatever version was asked.
 *
 * ApiVersions Response (Version: 0) => error_code [api_keys]
 *   error_code => INT16
 *   api_keys => api_key min_version max_version (INT16 each)
 */
export function encodeUnsupportedApiVersions(
  correlationId: number,
  ranges: readonly ApiVersionRange[],
): Writer {
  const w = new Writer();
  w.int32(correlationId);
  w.int16(ErrorCode.UNSUPPORTED_VERSION);
  w.array(ranges, (w, r) => w.int16(r.apiKey).int16(r.minVersion).int16(r.maxVersion));
  return w;
}
