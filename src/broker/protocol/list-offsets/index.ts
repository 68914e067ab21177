import type { ApiDefinition } from '../api-definition.js';
import { v1 } from './v1.js';
import { v2 } from './v2.js';
import { v3 } from './v3.js';
import { v4 } from './v4.js';
import { v5 } from './v5.js';

/*
 * ListOffsets: timestamp -1 asks for the latest offset (the next to be written), -2 for the earliest; any
 * other value for the first offset whose record has a timestamp at or after it. Served from v1 (v0 returns
 * lists of offsets; neither client uses it) to v5; v6 is flexible.
 */
export interface ListOffsetsRequest {
  replicaId: number;
  isolationLevel: number;
  topics: { name: string; partitions: { partitionIndex: number; timestamp: number }[] }[];
}

export interface ListOffsetsPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  timestamp: number;
  offset: number;
}

export interface ListOffsetsResponse {
  throttleTimeMs: number;
  topics: { name: string; partitions: ListOffsetsPartitionResponse[] }[];
}

export const listOffsetsApi: ApiDefinition<ListOffsetsRequest, ListOffsetsResponse> = {
  apiKey: 2,
  name: 'ListOffsets',
  versions: { 1: v1, 2: v2, 3: v3, 4: v4, 5: v5 },
};
