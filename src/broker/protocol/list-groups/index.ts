import type { ApiDefinition } from '../api-definition.js';
import { v0 } from './v0.js';
import { v1 } from './v1.js';
import { v2 } from './v2.js';

/** No fields before v4 (which adds a state filter). */
export type ListGroupsRequest = Record<string, never>;

export interface ListGroupsResponse {
  errorCode: number;
  groups: { groupId: string; protocolType: string }[];
}

export const listGroupsApi: ApiDefinition<ListGroupsRequest, ListGroupsResponse> = {
  apiKey: 16,
  name: 'ListGroups',
  versions: { 0: v0, 1: v1, 2: v2 },
};
