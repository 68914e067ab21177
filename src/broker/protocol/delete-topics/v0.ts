/*
 * DeleteTopics Request (Version: 0) => [topic_names] timeout_ms
 *   topic_names => STRING
 *   timeout_ms => INT32
 *
 * DeleteTopics Response (Version: 0) => [responses]
 *   responses => name error_code
 *     name => STRING
 *     error_code => INT16
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { Writer } from '../writer.js';
import type { DeleteTopicsRequest, DeleteTopicsResponse } from './index.js';

export function writeResponses(w: Writer, res: DeleteTopicsResponse): void {
  w.array(res.responses, (w, t) => w.string(t.name).int16(t.errorCode));
}

export const v0: ApiVersionCodec<DeleteTopicsRequest, DeleteTopicsResponse> = {
  decodeRequest: (r) => ({ topicNames: r.array((r) => r.string()), timeoutMs: r.int32() }),
  encodeResponse: writeResponses,
};
