import type { ApiHandler } from '../api-definition.js';
import { ErrorCode } from '../error-codes.js';
import { deleteTopicsApi, type DeleteTopicsRequest, type DeleteTopicsResponse } from './index.js';

/** Deletes each named topic and its data; committed group offsets for it are left to the coordinator. */
export const deleteTopicsHandler: ApiHandler<DeleteTopicsRequest, DeleteTopicsResponse> = {
  api: deleteTopicsApi,
  async handle(request, ctx) {
    const responses: DeleteTopicsResponse['responses'] = [];
    for (const name of request.topicNames) {
      const deleted = await ctx.broker.topics.delete(name);
      responses.push({ name, errorCode: deleted ? ErrorCode.NONE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
    }
    return { throttleTimeMs: 0, responses };
  },
};
