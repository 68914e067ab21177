/*
 * DescribeConfigs Request (Version: 3) => [resources] include_synonyms include_documentation
 *   resources => (as v2)
 *   include_synonyms => BOOLEAN
 *   include_documentation => BOOLEAN    (new in v3)
 *
 * DescribeConfigs Response (Version: 3) => throttle_time_ms [results]
 *   (as v2, and each config gains its type and documentation after the synonyms)
 *     configs => name value read_only config_source is_sensitive [synonyms] config_type documentation
 *       config_type => INT8             (new in v3)
 *       documentation => NULLABLE_STRING (new in v3)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { DescribeConfigsRequest, DescribeConfigsResponse } from './index.js';
import { readResources, writeResults } from './v0.js';
import { writeConfig } from './v1.js';

export const v3: ApiVersionCodec<DescribeConfigsRequest, DescribeConfigsResponse> = {
  decodeRequest: (r) => ({
    resources: readResources(r),
    includeSynonyms: r.boolean(),
    includeDocumentation: r.boolean(),
  }),
  encodeResponse: (w, res) =>
    writeResults(w, res, (w, c) => {
      writeConfig(w, c);
      w.int8(c.configType).nullableString(c.documentation);
    }),
};
