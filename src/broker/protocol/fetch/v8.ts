/*
 * Fetch Request (Version: 8) => replica_id max_wait_ms min_bytes max_bytes isolation_level session_id
 *                               session_epoch [topics] [forgotten_topics_data]
 * Fetch Response (Version: 8) => throttle_time_ms error_code session_id [responses]
 *   (same layouts as v7; v8 only changes how a client reads throttle_time_ms, KIP-219)
 */
import { v7 } from './v7.js';

export const v8 = v7;
