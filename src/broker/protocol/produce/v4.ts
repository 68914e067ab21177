/*
 * Produce Request (Version: 4) => transactional_id acks timeout_ms [topic_data]
 * Produce Response (Version: 4) => [responses] throttle_time_ms
 *   (same layouts as v3; v4 only adds KAFKA_STORAGE_ERROR to the error codes a client may get)
 */
import { v3 } from './v3.js';

export const v4 = v3;
