/*
 * Produce Request (Version: 6) => transactional_id acks timeout_ms [topic_data]
 * Produce Response (Version: 6) => [responses] throttle_time_ms
 *   (same layouts as v5; v6 only changes how a client reads throttle_time_ms, KIP-219)
 */
import { v5 } from './v5.js';

export const v6 = v5;
