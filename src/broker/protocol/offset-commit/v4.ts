/*
 * OffsetCommit Request (Version: 4) => group_id generation_id member_id retention_time_ms [topics]
 * OffsetCommit Response (Version: 4) => throttle_time_ms [topics]
 *   (same layouts as v3)
 */
import { v3 } from './v3.js';

export const v4 = v3;
