import { ErrorCode } from '../error-codes.js';
import type { ApiHandler } from '../api-definition.js';
import { leaveGroupApi, type LeaveGroupRequest, type LeaveGroupResponse } from './index.js';

export const leaveGroupHandler: ApiHandler<LeaveGroupRequest, LeaveGroupResponse> = {
  api: leaveGroupApi,
  async handle(request, ctx) {
    const errors = ctx.broker.groups.leaveGroup(
      request.groupId,
      request.members.map((m) => m.memberId),
    );
    const members = request.members.map((m, i) => ({ ...m, errorCode: errors[i] ?? ErrorCode.NONE }));
    // Before v3 the one member's outcome is the response's error code; v3 reports per member.
    const errorCode = ctx.apiVersion < 3 ? (members[0]?.errorCode ?? ErrorCode.NONE) : ErrorCode.NONE;
    return { errorCode, members };
  },
};
