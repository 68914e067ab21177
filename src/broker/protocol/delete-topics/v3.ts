/*
 * DeleteTopics Request (Version: 3) => [topic_names] timeout_ms
 * DeleteTopics Response (Version: 3) => throttle_time_ms [responses]
 *   (same layouts as v2; v3 only adds TOPIC_DELETION_DISABLED to the error codes a client may get)
 */
import { v2 } from './v2.js';

export const v3 = v2;
