/*
 * DeleteGroups Request (Version: 1) => [groups_names]
 * DeleteGroups Response (Version: 1) => throttle_time_ms [results]
 *   (same layouts as v0; v1 only changes how a client reads throttle_time_ms, KIP-219)
 */
import { v0 } from './v0.js';

export const v1 = v0;
