/*
 * JoinGroup Request (Version: 3) => group_id session_timeout_ms rebalance_timeout_ms member_id protocol_type [protocols]
 * JoinGroup Response (Version: 3) => throttle_time_ms error_code generation_id protocol_name leader member_id [members]
 *   (same layouts as v2)
 */
import { v2 } from './v2.js';

export const v3 = v2;
