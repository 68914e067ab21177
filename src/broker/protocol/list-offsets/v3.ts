/*
 * ListOffsets Request (Version: 3) => replica_id isolation_level [topics]
 * ListOffsets Response (Version: 3) => throttle_time_ms [topics]
 *   (same layouts as v2; v3 only changes how a client reads throttle_time_ms, KIP-219)
 */
import { v2 } from './v2.js';

export const v3 = v2;
