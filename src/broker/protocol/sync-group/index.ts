import type { ApiDefinition } from '../api-definition.js';
import type { SyncGroupResult } from '../../group/group.js';
import { v0 } from './v0.js';
import { v1 } from './v1.js';
import { v2 } from './v2.js';
import { v3 } from './v3.js';

export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** Sent by the leader only: each member's assignment, opaque to the broker. */
  assignments: { memberId: string; assignment: Buffer }[];
}

export type SyncGroupResponse = SyncGroupResult;

export const syncGroupApi: ApiDefinition<SyncGroupRequest, SyncGroupResponse> = {
  apiKey: 14,
  name: 'SyncGroup',
  versions: { 0: v0, 1: v1, 2: v2, 3: v3 },
};
