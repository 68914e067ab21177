import type { ApiDefinition } from '../api-definition.js';
import { v4 } from './v4.js';
import { v5 } from './v5.js';
import { v6 } from './v6.js';
import { v7 } from './v7.js';
import { v8 } from './v8.js';
import { v9 } from './v9.js';
import { v10 } from './v10.js';
import { v11 } from './v11.js';

/*
 * Fetch: served from v4 (the first that carries record batches v2 with isolation level) to v11; v12 is
 * flexible. The broker keeps no fetch sessions: it answers session_id 0, which tells a client asking for
 * one (session_epoch 0) that none was created, so every request is a full fetch (KIP-227).
 */
export interface FetchPartitionRequest {
  partition: number;
  fetchOffset: number;
  partitionMaxBytes: number;
}

export interface FetchRequest {
  replicaId: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  isolationLevel: number;
  sessionId: number;
  sessionEpoch: number;
  topics: { topic: string; partitions: FetchPartitionRequest[] }[];
}

export interface FetchPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  records: Buffer | null;
}

export interface FetchResponse {
  throttleTimeMs: number;
  errorCode: number;
  sessionId: number;
  responses: { topic: string; partitions: FetchPartitionResponse[] }[];
}

export const fetchApi: ApiDefinition<FetchRequest, FetchResponse> = {
  apiKey: 1,
  name: 'Fetch',
  versions: { 4: v4, 5: v5, 6: v6, 7: v7, 8: v8, 9: v9, 10: v10, 11: v11 },
};
