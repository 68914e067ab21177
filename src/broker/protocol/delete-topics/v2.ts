/*
 * DeleteTopics Request (Version: 2) => [topic_names] timeout_ms
 * DeleteTopics Response (Version: 2) => throttle_time_ms [responses]
 *   (same layouts as v1; v2 only changes how a client reads throttle_time_ms, KIP-219)
 */
import { v1 } from './v1.js';

export const v2 = v1;
