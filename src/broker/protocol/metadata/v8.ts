/*
 * Metadata Request (Version: 8) => [topics] allow_auto_topic_creation include_cluster_authorized_operations
 *                                  include_topic_authorized_operations
 *   topics => (as v7)
 *   allow_auto_topic_creation => BOOLEAN
 *   include_cluster_authorized_operations => BOOLEAN   (new in v8; ignored: no ACLs)
 *   include_topic_authorized_operations => BOOLEAN     (new in v8; ignored)
 *
 * Metadata Response (Version: 8) => throttle_time_ms [brokers] cluster_id controller_id [topics]
 *                                   cluster_authorized_operations
 *   (as v7, and)
 *   topics => error_code name is_internal [partitions] topic_authorized_operations
 *     topic_authorized_operations => INT32             (new in v8)
 *   cluster_authorized_operations => INT32             (new in v8)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { MetadataRequest, MetadataResponse } from './index.js';
import { readTopics, topicWriter } from './v1.js';
import { writeBrokersToTopics } from './v2.js';
import { writePartition } from './v7.js';

/** Kafka's value for "authorized operations not requested". */
const OPERATIONS_OMITTED = -2147483648;

export const v8: ApiVersionCodec<MetadataRequest, MetadataResponse> = {
  decodeRequest(r) {
    const topics = readTopics(r);
    const allowAutoTopicCreation = r.boolean();
    r.boolean(); // include_cluster_authorized_operations
    r.boolean(); // include_topic_authorized_operations
    return { topics, allowAutoTopicCreation };
  },
  encodeResponse(w, res) {
    const topic = topicWriter(writePartition);
    w.int32(res.throttleTimeMs);
    writeBrokersToTopics(w, res, (w, t) => {
      topic(w, t);
      w.int32(OPERATIONS_OMITTED);
    });
    w.int32(OPERATIONS_OMITTED);
  },
};
