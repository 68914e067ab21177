/*
 * ListOffsets Request (Version: 5) => replica_id isolation_level [topics]
 * ListOffsets Response (Version: 5) => throttle_time_ms [topics]
 *   (same layouts as v4; v5 only adds OFFSET_NOT_AVAILABLE to the error codes a client may get)
 */
import { v4 } from './v4.js';

export const v5 = v4;
