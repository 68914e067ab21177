/*
 * OffsetFetch Request (Version: 4) => group_id [topics]
 * OffsetFetch Response (Version: 4) => throttle_time_ms [topics] error_code
 *   (same layouts as v3)
 */
import { v3 } from './v3.js';

export const v4 = v3;
