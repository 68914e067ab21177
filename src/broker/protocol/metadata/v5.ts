/*
 * Metadata Request (Version: 5) => [topics] allow_auto_topic_creation
 *   (same layout as v4)
 *
 * Metadata Response (Version: 5) => throttle_time_ms [brokers] cluster_id controller_id [topics]
 *   (as v4, and each partition gains offline_replicas)
 *     partitions => error_code partition_index leader_id [replica_nodes] [isr_nodes] [offline_replicas]
 *       offline_replicas => INT32       (new in v5; always empty)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { MetadataRequest, MetadataResponse } from './index.js';
import { writeNodes, writePartition } from './v0.js';
import { topicWriter } from './v1.js';
import { writeBrokersToTopics } from './v2.js';
import { v4 } from './v4.js';

export const v5: ApiVersionCodec<MetadataRequest, MetadataResponse> = {
  decodeRequest: v4.decodeRequest,
  encodeResponse(w, res) {
    w.int32(res.throttleTimeMs);
    writeBrokersToTopics(
      w,
      res,
      topicWriter((w, p) => {
        writePartition(w, p);
        writeNodes(w, []);
      }),
    );
  },
};
