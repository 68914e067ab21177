/*
 * JoinGroup Request (Version: 4) => group_id session_timeout_ms rebalance_timeout_ms member_id protocol_type [protocols]
 * JoinGroup Response (Version: 4) => throttle_time_ms error_code generation_id protocol_name leader member_id [members]
 *   (same layouts as v3; from v4 on, a first join with an empty member_id is answered MEMBER_ID_REQUIRED
 *   with the member id the client must join with, KIP-394)
 */
import { v3 } from './v3.js';

export const v4 = v3;
