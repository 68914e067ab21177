import type { ApiDefinition, ApiVersionCodec } from '../api.js';

/**
 * DeleteTopics Request (Version: 3) => [topic_names STRING] timeout_ms INT32
 *
 * DeleteTopics Response (Version: 3) => throttle_time_ms [responses]
 *   throttle_time_ms => INT32           v1+
 *   responses => name STRING, error_code INT16
 *
 * v4 is flexible.
 */
export interface DeleteTopicsRequest {
  topicNames: string[];
  timeoutMs: number;
}

export interface DeleteTopicsResponse {
  throttleTimeMs: number;
  responses: { name: string; errorCode: number }[];
}

function codec(version: number): ApiVersionCodec<DeleteTopicsRequest, DeleteTopicsResponse> {
  return {
    decodeRequest: (r) => ({ topicNames: r.array((r) => r.string()), timeoutMs: r.int32() }),
    encodeResponse(w, res) {
      if (version >= 1) w.int32(res.throttleTimeMs);
      w.array(res.responses, (w, t) => w.string(t.name).int16(t.errorCode));
    },
  };
}

export const deleteTopicsApi: ApiDefinition<DeleteTopicsRequest, DeleteTopicsResponse> = {
  apiKey: 20,
  name: 'DeleteTopics',
  versions: Object.fromEntries([0, 1, 2, 3].map((v) => [v, codec(v)])),
};
