/*
 * FindCoordinator Request (Version: 2) => key key_type
 *   key => STRING
 *   key_type => INT8
 *
 * FindCoordinator Response (Version: 2) => throttle_time_ms error_code error_message node_id host port
 *   (same layout as v1; v2 only lets the broker answer when it is throttling)
 */
import { v1 } from './v1.js';

export const v2 = v1;
