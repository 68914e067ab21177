/*
 * Heartbeat Request (Version: 2) => group_id generation_id member_id
 * Heartbeat Response (Version: 2) => throttle_time_ms error_code
 *   (same layouts as v1)
 */
import { v1 } from './v1.js';

export const v2 = v1;
