/*
 * Metadata Request (Version: 1) => [topics]
 *   topics => name                      (now nullable: null means every topic, empty means none)
 *     name => STRING
 *
 * Metadata Response (Version: 1) => [brokers] controller_id [topics]
 *   brokers => node_id host port rack
 *     node_id => INT32
 *     host => STRING
 *     port => INT32
 *     rack => NULLABLE_STRING           (new in v1)
 *   controller_id => INT32              (new in v1)
 *   topics => error_code name is_internal [partitions]
 *     error_code => INT16
 *     name => STRING
 *     is_internal => BOOLEAN            (new in v1)
 *     partitions => (as v0)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import type {
  MetadataBroker,
  MetadataPartition,
  MetadataRequest,
  MetadataResponse,
  MetadataTopic,
} from './index.js';
import { writePartition } from './v0.js';

export function readTopics(r: Reader): MetadataRequest['topics'] {
  return r.nullableArray((r) => r.string());
}

export function writeBroker(w: Writer, b: MetadataBroker): void {
  w.int32(b.nodeId).string(b.host).int32(b.port).nullableString(b.rack);
}

/** topic => error_code name is_internal [partitions], partitions written by `partition` (v5, v7 change it). */
export function topicWriter(
  partition: (w: Writer, p: MetadataPartition) => void,
): (w: Writer, t: MetadataTopic) => void {
  return (w, t) => {
    w.int16(t.errorCode).string(t.name).boolean(t.isInternal);
    w.array(t.partitions, partition);
  };
}

export const v1: ApiVersionCodec<MetadataRequest, MetadataResponse> = {
  decodeRequest: (r) => ({ topics: readTopics(r), allowAutoTopicCreation: true }),
  encodeResponse(w, res) {
    w.array(res.brokers, writeBroker);
    w.int32(res.controllerId);
    w.array(res.topics, topicWriter(writePartition));
  },
};
