/*
 * Metadata Request (Version: 7) => [topics] allow_auto_topic_creation
 *   (same layout as v6)
 *
 * Metadata Response (Version: 7) => throttle_time_ms [brokers] cluster_id controller_id [topics]
 *   (as v6, and each partition gains leader_epoch after leader_id, KIP-320)
 *     partitions => error_code partition_index leader_id leader_epoch [replica_nodes] [isr_nodes]
 *                   [offline_replicas]
 *       leader_epoch => INT32           (new in v7)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { Writer } from '../writer.js';
import type { MetadataPartition, MetadataRequest, MetadataResponse } from './index.js';
import { writeNodes } from './v0.js';
import { topicWriter } from './v1.js';
import { writeBrokersToTopics } from './v2.js';
import { v6 } from './v6.js';

export function writePartition(w: Writer, p: MetadataPartition): void {
  w.int16(p.errorCode).int32(p.partitionIndex).int32(p.leaderId).int32(p.leaderEpoch);
  writeNodes(w, p.replicaNodes);
  writeNodes(w, p.isrNodes);
  writeNodes(w, []);
}

export const v7: ApiVersionCodec<MetadataRequest, MetadataResponse> = {
  decodeRequest: v6.decodeRequest,
  encodeResponse(w, res) {
    w.int32(res.throttleTimeMs);
    writeBrokersToTopics(w, res, topicWriter(writePartition));
  },
};
