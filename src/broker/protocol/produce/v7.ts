/*
 * Produce Request (Version: 7) => transactional_id acks timeout_ms [topic_data]
 * Produce Response (Version: 7) => [responses] throttle_time_ms
 *   (same layouts as v6; v7 only allows zstd-compressed batches, KIP-110)
 */
import { v6 } from './v6.js';

export const v7 = v6;
