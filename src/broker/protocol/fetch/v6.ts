/*
 * Fetch Request (Version: 6) => replica_id max_wait_ms min_bytes max_bytes isolation_level [topics]
 * Fetch Response (Version: 6) => throttle_time_ms [responses]
 *   (same layouts as v5; v6 only adds KAFKA_STORAGE_ERROR to the error codes a client may get)
 */
import { v5 } from './v5.js';

export const v6 = v5;
