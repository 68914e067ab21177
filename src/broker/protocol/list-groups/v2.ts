/*
 * ListGroups Request (Version: 2) =>
 * ListGroups Response (Version: 2) => throttle_time_ms error_code [groups]
 *   (same layouts as v1)
 */
import { v1 } from './v1.js';

export const v2 = v1;
