import type { ApiDefinition } from '../api-definition.js';
import { v0 } from './v0.js';
import { v1 } from './v1.js';
import { v2 } from './v2.js';
import { v3 } from './v3.js';
import { v4 } from './v4.js';
import { v5 } from './v5.js';

export interface OffsetFetchRequest {
  groupId: string;
  /** null (v2+) asks for every partition the group has committed. */
  topics: { name: string; partitionIndexes: number[] }[] | null;
}

export interface OffsetFetchPartition {
  partitionIndex: number;
  /** -1 when the group has committed nothing for the partition. */
  committedOffset: number;
  committedLeaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}

export interface OffsetFetchResponse {
  topics: { name: string; partitions: OffsetFetchPartition[] }[];
  /** v2+: a group-level error. */
  errorCode: number;
}

export const offsetFetchApi: ApiDefinition<OffsetFetchRequest, OffsetFetchResponse> = {
  apiKey: 9,
  name: 'OffsetFetch',
  versions: { 0: v0, 1: v1, 2: v2, 3: v3, 4: v4, 5: v5 },
};
