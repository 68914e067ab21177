import type { ApiDefinition } from '../api-definition.js';
import { v3 } from './v3.js';
import { v4 } from './v4.js';
import { v5 } from './v5.js';
import { v6 } from './v6.js';
import { v7 } from './v7.js';

/*
 * Produce: v3 is the first with record batches v2 (the only format the log stores); v4-v7 only add error
 * codes and, in v5, log_start_offset. v8 adds per-record errors, v9 is flexible.
 */
export interface ProducePartitionData {
  index: number;
  /** A view into the request frame. */
  records: Buffer | null;
}

export interface ProduceRequest {
  transactionalId: string | null;
  acks: number;
  timeoutMs: number;
  topicData: { name: string; partitionData: ProducePartitionData[] }[];
}

export interface ProducePartitionResponse {
  index: number;
  errorCode: number;
  baseOffset: number;
  logAppendTimeMs: number;
  logStartOffset: number;
}

export interface ProduceResponse {
  responses: { name: string; partitionResponses: ProducePartitionResponse[] }[];
  throttleTimeMs: number;
}

export const produceApi: ApiDefinition<ProduceRequest, ProduceResponse> = {
  apiKey: 0,
  name: 'Produce',
  versions: { 3: v3, 4: v4, 5: v5, 6: v6, 7: v7 },
};
