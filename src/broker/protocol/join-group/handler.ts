import type { ApiHandler, HandlerContext } from '../api-definition.js';
import { joinGroupApi, type JoinGroupRequest, type JoinGroupResponse } from './index.js';

/** Kafka's client_host: the peer address with a leading slash, as Java's InetAddress prints it. */
export function clientHost(ctx: HandlerContext): string {
  const address = ctx.connection.remoteAddress.replace(/:[^:]*$/, '');
  return `/${address}`;
}

export const joinGroupHandler: ApiHandler<JoinGroupRequest, JoinGroupResponse> = {
  api: joinGroupApi,
  async handle(request, ctx) {
    return ctx.broker.groups.joinGroup({
      ...request,
      clientId: ctx.clientId ?? '',
      clientHost: clientHost(ctx),
      requireKnownMemberId: ctx.apiVersion >= 4,
    });
  },
};
