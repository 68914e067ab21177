/*
 * Fetch Request (Version: 10) => replica_id max_wait_ms min_bytes max_bytes isolation_level session_id
 *                                session_epoch [topics] [forgotten_topics_data]
 * Fetch Response (Version: 10) => throttle_time_ms error_code session_id [responses]
 *   (same layouts as v9; v10 only allows zstd-compressed batches, KIP-110)
 */
import { v9 } from './v9.js';

export const v10 = v9;
