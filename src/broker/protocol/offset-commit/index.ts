import type { ApiDefinition } from '../api-definition.js';
import { v0 } from './v0.js';
import { v1 } from './v1.js';
import { v2 } from './v2.js';
import { v3 } from './v3.js';
import { v4 } from './v4.js';
import { v5 } from './v5.js';
import { v6 } from './v6.js';
import { v7 } from './v7.js';

export interface OffsetCommitPartition {
  partitionIndex: number;
  committedOffset: number;
  /** -1 before v6. */
  committedLeaderEpoch: number;
  /** v1 only; -1 otherwise. Kept for the grammar, the broker stamps its own time. */
  commitTimestamp: number;
  committedMetadata: string | null;
}

export interface OffsetCommitRequest {
  groupId: string;
  /** -1 (and an empty member id) from a client that uses the broker only to store offsets; always in v0. */
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** v2-v4; -1 otherwise. Offsets are kept until the group is gone, whatever is asked. */
  retentionTimeMs: number;
  topics: { name: string; partitions: OffsetCommitPartition[] }[];
}

export interface OffsetCommitResponse {
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

export const offsetCommitApi: ApiDefinition<OffsetCommitRequest, OffsetCommitResponse> = {
  apiKey: 8,
  name: 'OffsetCommit',
  versions: { 0: v0, 1: v1, 2: v2, 3: v3, 4: v4, 5: v5, 6: v6, 7: v7 },
};
