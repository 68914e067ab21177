/*
 * DescribeConfigs Request (Version: 1) => [resources] include_synonyms
 *   resources => (as v0)
 *   include_synonyms => BOOLEAN         (new in v1)
 *
 * DescribeConfigs Response (Version: 1) => throttle_time_ms [results]
 *   (as v0, but each config reports its source and synonyms instead of is_default)
 *     configs => name value read_only config_source is_sensitive [synonyms]
 *       name => STRING
 *       value => NULLABLE_STRING
 *       read_only => BOOLEAN
 *       config_source => INT8           (new in v1, replaces is_default)
 *       is_sensitive => BOOLEAN
 *       synonyms => name value source   (new in v1)
 *         name => STRING
 *         value => NULLABLE_STRING
 *         source => INT8
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { Writer } from '../writer.js';
import type { DescribeConfigsRequest, DescribeConfigsResponse, DescribedConfig } from './index.js';
import { readResources, writeResults } from './v0.js';

export function writeConfig(w: Writer, c: DescribedConfig): void {
  w.string(c.name).nullableString(c.value).boolean(c.readOnly).int8(c.source).boolean(c.isSensitive);
  w.array(c.synonyms, (w, s) => w.string(s.name).nullableString(s.value).int8(s.source));
}

export const v1: ApiVersionCodec<DescribeConfigsRequest, DescribeConfigsResponse> = {
  decodeRequest: (r) => ({
    resources: readResources(r),
    includeSynonyms: r.boolean(),
    includeDocumentation: false,
  }),
  encodeResponse: (w, res) => writeResults(w, res, writeConfig),
};
