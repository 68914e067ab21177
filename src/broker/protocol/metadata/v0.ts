/*
 * Metadata Request (Version: 0) => [topics]
 *   topics => name
 *     name => STRING                    (an empty array means every topic)
 *
 * Metadata Response (Version: 0) => [brokers] [topics]
 *   brokers => node_id host port
 *     node_id => INT32
 *     host => STRING
 *     port => INT32
 *   topics => error_code name [partitions]
 *     error_code => INT16
 *     name => STRING
 *     partitions => error_code partition_index leader_id [replica_nodes] [isr_nodes]
 *       error_code => INT16
 *       partition_index => INT32
 *       leader_id => INT32
 *       replica_nodes => INT32
 *       isr_nodes => INT32
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { Writer } from '../writer.js';
import type { MetadataPartition, MetadataRequest, MetadataResponse } from './index.js';

export function writeNodes(w: Writer, nodes: readonly number[]): void {
  w.array(nodes, (w, n) => w.int32(n));
}

export function writePartition(w: Writer, p: MetadataPartition): void {
  w.int16(p.errorCode).int32(p.partitionIndex).int32(p.leaderId);
  writeNodes(w, p.replicaNodes);
  writeNodes(w, p.isrNodes);
}

export const v0: ApiVersionCodec<MetadataRequest, MetadataResponse> = {
  decodeRequest(r) {
    const topics = r.array((r) => r.string());
    return { topics: topics.length === 0 ? null : topics, allowAutoTopicCreation: true };
  },
  encodeResponse(w, res) {
    w.array(res.brokers, (w, b) => w.int32(b.nodeId).string(b.host).int32(b.port));
    w.array(res.topics, (w, t) => {
      w.int16(t.errorCode).string(t.name);
      w.array(t.partitions, writePartition);
    });
  },
};
