/*
 * Metadata Request (Version: 4) => [topics] allow_auto_topic_creation
 *   topics => (as v3)
 *   allow_auto_topic_creation => BOOLEAN   (new in v4; before, always true)
 *
 * Metadata Response (Version: 4) => throttle_time_ms [brokers] cluster_id controller_id [topics]
 *   (same layout as v3)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { MetadataRequest, MetadataResponse } from './index.js';
import { readTopics } from './v1.js';
import { v3 } from './v3.js';

export const v4: ApiVersionCodec<MetadataRequest, MetadataResponse> = {
  decodeRequest: (r) => ({ topics: readTopics(r), allowAutoTopicCreation: r.boolean() }),
  encodeResponse: v3.encodeResponse,
};
