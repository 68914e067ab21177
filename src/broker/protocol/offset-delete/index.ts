import type { ApiDefinition } from '../api-definition.js';
import { v0 } from './v0.js';

/* OffsetDelete (KIP-496): v0 is its only version, and it is not flexible. */
export interface OffsetDeleteRequest {
  groupId: string;
  topics: { name: string; partitions: number[] }[];
}

export interface OffsetDeleteResponse {
  errorCode: number;
  throttleTimeMs: number;
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

export const offsetDeleteApi: ApiDefinition<OffsetDeleteRequest, OffsetDeleteResponse> = {
  apiKey: 47,
  name: 'OffsetDelete',
  versions: { 0: v0 },
};
