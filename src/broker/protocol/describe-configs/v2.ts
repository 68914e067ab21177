/*
 * DescribeConfigs Request (Version: 2) => [resources] include_synonyms
 * DescribeConfigs Response (Version: 2) => throttle_time_ms [results]
 *   (same layouts as v1; v2 only changes how a client reads throttle_time_ms, KIP-219)
 */
import { v1 } from './v1.js';

export const v2 = v1;
