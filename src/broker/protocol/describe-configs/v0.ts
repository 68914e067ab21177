/*
 * DescribeConfigs Request (Version: 0) => [resources]
 *   resources => resource_type resource_name [configuration_keys]
 *     resource_type => INT8
 *     resource_name => STRING
 *     configuration_keys => STRING      (nullable array: null means every config)
 *
 * DescribeConfigs Response (Version: 0) => throttle_time_ms [results]
 *   throttle_time_ms => INT32
 *   results => error_code error_message resource_type resource_name [configs]
 *     error_code => INT16
 *     error_message => NULLABLE_STRING
 *     resource_type => INT8
 *     resource_name => STRING
 *     configs => name value read_only is_default is_sensitive
 *       name => STRING
 *       value => NULLABLE_STRING
 *       read_only => BOOLEAN
 *       is_default => BOOLEAN
 *       is_sensitive => BOOLEAN
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import {
  ConfigSource,
  type DescribeConfigsRequest,
  type DescribeConfigsResource,
  type DescribeConfigsResponse,
  type DescribedConfig,
} from './index.js';

export function readResources(r: Reader): DescribeConfigsResource[] {
  return r.array((r) => ({
    resourceType: r.int8(),
    resourceName: r.string(),
    configurationKeys: r.nullableArray((r) => r.string()),
  }));
}

/** throttle_time_ms [results], each config written by `config` (v1 and v3 change it). */
export function writeResults(
  w: Writer,
  res: DescribeConfigsResponse,
  config: (w: Writer, c: DescribedConfig) => void,
): void {
  w.int32(res.throttleTimeMs);
  w.array(res.results, (w, result) => {
    w.int16(result.errorCode)
      .nullableString(result.errorMessage)
      .int8(result.resourceType)
      .string(result.resourceName);
    w.array(result.configs, config);
  });
}

export const v0: ApiVersionCodec<DescribeConfigsRequest, DescribeConfigsResponse> = {
  decodeRequest: (r) => ({
    resources: readResources(r),
    includeSynonyms: false,
    includeDocumentation: false,
  }),
  encodeResponse: (w, res) =>
    writeResults(w, res, (w, c) =>
      w
        .string(c.name)
        .nullableString(c.value)
        .boolean(c.readOnly)
        .boolean(c.source === ConfigSource.default)
        .boolean(c.isSensitive),
    ),
};
