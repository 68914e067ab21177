/*
 * Fetch Request (Version: 7) => replica_id max_wait_ms min_bytes max_bytes isolation_level session_id
 *                               session_epoch [topics] [forgotten_topics_data]
 *   (as v6, with fetch sessions, KIP-227)
 *   session_id => INT32                 (new in v7)
 *   session_epoch => INT32              (new in v7)
 *   topics => (as v6)
 *   forgotten_topics_data => topic [partitions]   (new in v7; ignored: no sessions to forget from)
 *     topic => STRING
 *     partitions => INT32
 *
 * Fetch Response (Version: 7) => throttle_time_ms error_code session_id [responses]
 *   throttle_time_ms => INT32
 *   error_code => INT16                 (new in v7)
 *   session_id => INT32                 (new in v7)
 *   responses => (as v6)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import type { FetchPartitionRequest, FetchPartitionResponse, FetchRequest, FetchResponse } from './index.js';
import { readHead, readTopics, writeResponses } from './v4.js';
import { readPartition, writePartition } from './v5.js';

/** The v7 request, partitions read by `partition`; v9 and v11 change only the partition and the tail. */
export function readSessionRequest(r: Reader, partition: (r: Reader) => FetchPartitionRequest): FetchRequest {
  const head = readHead(r);
  const sessionId = r.int32();
  const sessionEpoch = r.int32();
  const topics = readTopics(r, partition);
  r.array((r) => ({ topic: r.string(), partitions: r.array((r) => r.int32()) })); // forgotten_topics_data
  return { ...head, sessionId, sessionEpoch, topics };
}

export function writeSessionResponse(
  w: Writer,
  res: FetchResponse,
  partition: (w: Writer, p: FetchPartitionResponse) => void,
): void {
  w.int32(res.throttleTimeMs).int16(res.errorCode).int32(res.sessionId);
  writeResponses(w, res, partition);
}

export const v7: ApiVersionCodec<FetchRequest, FetchResponse> = {
  decodeRequest: (r) => readSessionRequest(r, readPartition),
  encodeResponse: (w, res) => writeSessionResponse(w, res, writePartition),
};
