/*
 * CreateTopics Request (Version: 1) => [topics] timeout_ms validate_only
 *   topics, timeout_ms => (as v0)
 *   validate_only => BOOLEAN            (new in v1)
 *
 * CreateTopics Response (Version: 1) => [topics]
 *   topics => name error_code error_message
 *     name => STRING
 *     error_code => INT16
 *     error_message => NULLABLE_STRING  (new in v1)
 */
import type { ApiVersionCodec } from '../api-definition.js';
import type { Writer } from '../writer.js';
import type { CreateTopicsRequest, CreateTopicsResponse } from './index.js';
import { readTopics } from './v0.js';

export function writeTopics(w: Writer, res: CreateTopicsResponse): void {
  w.array(res.topics, (w, t) => w.string(t.name).int16(t.errorCode).nullableString(t.errorMessage));
}

export const v1: ApiVersionCodec<CreateTopicsRequest, CreateTopicsResponse> = {
  decodeRequest: (r) => ({ topics: readTopics(r), timeoutMs: r.int32(), validateOnly: r.boolean() }),
  encodeResponse: writeTopics,
};
