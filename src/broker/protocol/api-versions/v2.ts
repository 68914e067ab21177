/*
 * ApiVersions Request (Version: 2) => (no fields)
 * ApiVersions Response (Version: 2) => error_code [api_keys] throttle_time_ms
 *   (same layouts as v1; v2 only changes how a client reads throttle_time_ms, KIP-219)
 */
import { v1 } from './v1.js';

export const v2 = v1;
