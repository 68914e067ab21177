import type { ApiDefinition } from '../api-definition.js';
import type { GroupDescription } from '../../group/group-coordinator.js';
import { v0 } from './v0.js';
import { v1 } from './v1.js';
import { v2 } from './v2.js';
import { v3 } from './v3.js';
import { v4 } from './v4.js';

export interface DescribeGroupsRequest {
  groups: string[];
  /** v3+. */
  includeAuthorizedOperations: boolean;
}

export interface DescribedGroup extends GroupDescription {
  errorCode: number;
  /** v3+: a bit field of ACL operations, or INT32_MIN when not asked for. */
  authorizedOperations: number;
}

export interface DescribeGroupsResponse {
  groups: DescribedGroup[];
}

export const describeGroupsApi: ApiDefinition<DescribeGroupsRequest, DescribeGroupsResponse> = {
  apiKey: 15,
  name: 'DescribeGroups',
  versions: { 0: v0, 1: v1, 2: v2, 3: v3, 4: v4 },
};
