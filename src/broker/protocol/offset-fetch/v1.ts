/*
 * OffsetFetch Request (Version: 1) => group_id [topics]
 * OffsetFetch Response (Version: 1) => [topics]
 *   (same layouts as v0)
 */
import { v0 } from './v0.js';

export const v1 = v0;
