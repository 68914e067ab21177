/*
 * Metadata Request (Version: 2) => [topics]
 *   (same layout as v1)
 *
 * Metadata Response (Version: 2) => [brokers] cluster_id controller_id [topics]
 *   brokers => (as v1)
 *   cluster_id => NULLABLE_STRING       (new in v2)
 *   controller_id => INT32
 *   topics => (as v1)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { Writer } from '../writer.js';
import type { MetadataRequest, MetadataResponse, MetadataTopic } from './index.js';
import { writePartition } from './v0.js';
import { topicWriter, v1, writeBroker } from './v1.js';

/** [brokers] cluster_id controller_id [topics]: the body of every later version. */
export function writeBrokersToTopics(
  w: Writer,
  res: MetadataResponse,
  topic: (w: Writer, t: MetadataTopic) => void,
): void {
  w.array(res.brokers, writeBroker);
  w.nullableString(res.clusterId);
  w.int32(res.controllerId);
  w.array(res.topics, topic);
}

export const v2: ApiVersionCodec<MetadataRequest, MetadataResponse> = {
  decodeRequest: v1.decodeRequest,
  encodeResponse: (w, res) => writeBrokersToTopics(w, res, topicWriter(writePartition)),
};
