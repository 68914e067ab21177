/*
 * Metadata Request (Version: 6) => [topics] allow_auto_topic_creation
 * Metadata Response (Version: 6) => throttle_time_ms [brokers] cluster_id controller_id [topics]
 *   (same layouts as v5; v6 only changes how a client reads throttle_time_ms, KIP-219)
 */
import { v5 } from './v5.js';

export const v6 = v5;
