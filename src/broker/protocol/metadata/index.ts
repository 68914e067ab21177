import type { ApiDefinition, ApiVersionCodec } from '../api.js';
import type { Reader } from '../reader.js';

/**
 * Metadata Request (Version: 8) => [topics] allow_auto_topic_creation include_cluster_authorized_operations
 *                                  include_topic_authorized_operations
 *   topics => name STRING        v0: a non-null array, empty means all; v1+: nullable, null means all
 *   allow_auto_topic_creation => BOOLEAN              v4+ (before v4: true)
 *   include_cluster_authorized_operations => BOOLEAN  v8+
 *   include_topic_authorized_operations => BOOLEAN    v8+
 *
 * Metadata Response (Version: 8) => throttle_time_ms [brokers] cluster_id controller_id [topics]
 *                                   cluster_authorized_operations
 *   throttle_time_ms => INT32                         v3+
 *   brokers => node_id INT32, host STRING, port INT32, rack NULLABLE_STRING (v1+)
 *   cluster_id => NULLABLE_STRING                     v2+
 *   controller_id => INT32                            v1+
 *   topics => error_code INT16, name STRING, is_internal BOOLEAN (v1+), [partitions],
 *             topic_authorized_operations INT32 (v8+)
 *     partitions => error_code INT16, partition_index INT32, leader_id INT32, leader_epoch INT32 (v7+),
 *                   [replica_nodes INT32], [isr_nodes INT32], [offline_replicas INT32] (v5+)
 *   cluster_authorized_operations => INT32            v8+
 *
 * v9+ are flexible. One codec serves v0-v8; each field is read or written from the version that added it.
 */
export interface MetadataRequest {
  /** null: every topic. */
  topics: string[] | null;
  allowAutoTopicCreation: boolean;
}

export interface MetadataBroker {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface MetadataPartition {
  errorCode: number;
  partitionIndex: number;
  leaderId: number;
  leaderEpoch: number;
  replicaNodes: number[];
  isrNodes: number[];
}

export interface MetadataTopic {
  errorCode: number;
  name: string;
  isInternal: boolean;
  partitions: MetadataPartition[];
}

export interface MetadataResponse {
  throttleTimeMs: number;
  brokers: MetadataBroker[];
  clusterId: string | null;
  controllerId: number;
  topics: MetadataTopic[];
}

/** Kafka's value for "authorized operations not requested". */
const OPERATIONS_OMITTED = -2147483648;

function codec(version: number): ApiVersionCodec<MetadataRequest, MetadataResponse> {
  return {
    decodeRequest(r: Reader) {
      let topics: string[] | null;
      if (version === 0) {
        const list = r.array((r) => r.string());
        topics = list.length === 0 ? null : list;
      } else topics = r.nullableArray((r) => r.string());
      const allowAutoTopicCreation = version >= 4 ? r.boolean() : true;
      if (version >= 8) {
        r.boolean();
        r.boolean();
      }
      return { topics, allowAutoTopicCreation };
    },
    encodeResponse(w, res) {
      if (version >= 3) w.int32(res.throttleTimeMs);
      w.array(res.brokers, (w, b) => {
        w.int32(b.nodeId).string(b.host).int32(b.port);
        if (version >= 1) w.nullableString(b.rack);
      });
      if (version >= 2) w.nullableString(res.clusterId);
      if (version >= 1) w.int32(res.controllerId);
      w.array(res.topics, (w, t) => {
        w.int16(t.errorCode).string(t.name);
        if (version >= 1) w.boolean(t.isInternal);
        w.array(t.partitions, (w, p) => {
          w.int16(p.errorCode).int32(p.partitionIndex).int32(p.leaderId);
          if (version >= 7) w.int32(p.leaderEpoch);
          w.array(p.replicaNodes, (w, n) => w.int32(n));
          w.array(p.isrNodes, (w, n) => w.int32(n));
          if (version >= 5) w.array([], (w, n: number) => w.int32(n));
        });
        if (version >= 8) w.int32(OPERATIONS_OMITTED);
      });
      if (version >= 8) w.int32(OPERATIONS_OMITTED);
    },
  };
}

export const metadataApi: ApiDefinition<MetadataRequest, MetadataResponse> = {
  apiKey: 3,
  name: 'Metadata',
  versions: Object.fromEntries([0, 1, 2, 3, 4, 5, 6, 7, 8].map((v) => [v, codec(v)])),
};
