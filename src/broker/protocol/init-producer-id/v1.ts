/*
 * InitProducerId Request (Version: 1) => transactional_id transaction_timeout_ms
 * InitProducerId Response (Version: 1) => throttle_time_ms error_code producer_id producer_epoch
 *   (same layouts as v0; v1 only changes how a client reads throttle_time_ms, KIP-219)
 */
import { v0 } from './v0.js';

export const v1 = v0;
