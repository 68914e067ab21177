/*
 * CreateTopics Request (Version: 4) => [topics] timeout_ms validate_only
 * CreateTopics Response (Version: 4) => throttle_time_ms [topics]
 *   (same layouts as v3; from v4 num_partitions and replication_factor may be -1 for the broker's
 *   defaults, KIP-464)
 */
import { v3 } from './v3.js';

export const v4 = v3;
