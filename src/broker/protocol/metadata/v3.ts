/*
 * Metadata Request (Version: 3) => [topics]
 *   (same layout as v2)
 *
 * Metadata Response (Version: 3) => throttle_time_ms [brokers] cluster_id controller_id [topics]
 *   throttle_time_ms => INT32           (new in v3)
 *   (then as v2)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { MetadataRequest, MetadataResponse } from './index.js';
import { writePartition } from './v0.js';
import { topicWriter } from './v1.js';
import { v2, writeBrokersToTopics } from './v2.js';

export const v3: ApiVersionCodec<MetadataRequest, MetadataResponse> = {
  decodeRequest: v2.decodeRequest,
  encodeResponse(w, res) {
    w.int32(res.throttleTimeMs);
    writeBrokersToTopics(w, res, topicWriter(writePartition));
  },
};
