import type { ApiDefinition } from '../api-definition.js';
import type { JoinGroupResult } from '../../group/group.js';
import type { GroupProtocol } from '../../group/protocol-selection.js';
import { v0 } from './v0.js';
import { v1 } from './v1.js';
import { v2 } from './v2.js';
import { v3 } from './v3.js';
import { v4 } from './v4.js';
import { v5 } from './v5.js';

export interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  /** v0 has none: Kafka then uses the session timeout. */
  rebalanceTimeoutMs: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: GroupProtocol[];
}

export type JoinGroupResponse = JoinGroupResult;

export const joinGroupApi: ApiDefinition<JoinGroupRequest, JoinGroupResponse> = {
  apiKey: 11,
  name: 'JoinGroup',
  versions: { 0: v0, 1: v1, 2: v2, 3: v3, 4: v4, 5: v5 },
};
