import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { httpStatusOf, isRetryableDynamoError } from '../clients/dynamodb.js';
import { toAttributeMap } from './attribute-values.js';
import { ServiceError } from '../errors.js';
import {
  DEFAULT_BACKOFF,
  RetryTimeoutError,
  retryWithBackoff,
  systemClock,
  type BackoffPolicy,
  type RetryClock,
} from './retry.js';

/** DynamoDB's limit of put/delete requests in one BatchWriteItem. */
export const MAX_BATCH_ITEMS = 25;

/** Items for one table, and the attributes that form its primary key (what makes two items the same). */
export interface TableWrite {
  table: string;
  key: readonly string[];
  items: readonly object[];
}

export type RetryReason = 'unprocessed' | 'throttled' | 'server-error';

/** Counters for Prometheus (or a benchmark): called as requests go out and come back. */
export interface WriterMetrics {
  request?(items: number): void;
  retry?(reason: RetryReason, items: number): void;
  written?(items: number): void;
}

export interface WriterOptions {
  /** Requests in flight at once; default 4. */
  concurrency?: number;
  /** Backoff for throttling and UnprocessedItems; `totalMs` bounds one batch's retries. */
  policy?: BackoffPolicy;
  clock?: RetryClock;
  signal?: AbortSignal;
  metrics?: WriterMetrics;
}

interface PendingPut {
  table: string;
  request: WriteRequest;
}

/**
 * Puts items with BatchWriteItem: batches of at most 25, no two requests for the same key in one batch
 * (DynamoDB rejects such a batch; a later put of a key replaces an earlier one, which is also what
 * writing them in order would have left), a bounded number of requests in flight, and UnprocessedItems
 * and throttling retried with exponential backoff and full jitter until the policy's total time is up.
 */
export class BatchWriter {
  private readonly concurrency: number;
  private readonly policy: BackoffPolicy;
  private readonly clock: RetryClock;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly options: WriterOptions = {},
  ) {
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.policy = options.policy ?? DEFAULT_BACKOFF;
    this.clock = options.clock ?? systemClock;
  }

  /** Writes everything; resolves once every item is stored, throws if any batch could not be. */
  async write(writes: readonly TableWrite[]): Promise<{ items: number; requests: number }> {
    const batches = planBatches(writes);
    let requests = 0;
    await runBounded(batches, this.concurrency, async (batch) => {
      const sent = await this.writeBatch(batch);
      requests += sent;
    });
    return { items: batches.reduce((n, b) => n + b.length, 0), requests };
  }

  /** Sends one batch until DynamoDB has taken all of it; returns the number of requests it took. */
  private async writeBatch(batch: PendingPut[]): Promise<number> {
    let pending: Record<string, WriteRequest[]> = groupByTable(batch);
    let requests = 0;
    try {
      await retryWithBackoff<void>(
        async () => {
          const count = countRequests(pending);
          this.options.metrics?.request?.(count);
          requests += 1;
          try {
            const command = new BatchWriteItemCommand({ RequestItems: pending });
            // No options object without a signal: one would bypass the client's cached middleware stack.
            const result = await (this.options.signal
              ? this.client.send(command, { abortSignal: this.options.signal })
              : this.client.send(command));
            const unprocessed = result.UnprocessedItems ?? {};
            const left = countRequests(unprocessed);
            this.options.metrics?.written?.(count - left);
            if (left === 0) return { done: true, value: undefined };
            pending = unprocessed;
            this.options.metrics?.retry?.('unprocessed', left);
            return { done: false, reason: `${left} unprocessed items` };
          } catch (err) {
            if (!isRetryableDynamoError(err)) throw err;
            const reason: RetryReason = isServerError(err) ? 'server-error' : 'throttled';
            this.options.metrics?.retry?.(reason, count);
            return { done: false, reason: (err as Error).name || reason };
          }
        },
        { policy: this.policy, clock: this.clock, signal: this.options.signal },
      );
    } catch (err) {
      if (err instanceof RetryTimeoutError) {
        throw new ServiceError(
          `DynamoDB did not accept ${countRequests(pending)} items for ${Object.keys(pending).join(', ')} within ${Math.round(this.policy.totalMs / 1000)} s (${err.attempts} attempts; last: ${err.lastReason})`,
          {
            hint: 'the table is throttled: raise its capacity, use on-demand billing, or lower the write rate',
            cause: err,
          },
        );
      }
      throw err;
    }
    return requests;
  }
}

/**
 * Splits writes into batches of at most 25 with unique keys per batch. Duplicates are resolved first
 * across the whole call (the last item of a key wins and takes the first one's place in the order), so
 * no batch can hold two versions of an item and no older version can land after a newer one.
 */
export function planBatches(writes: readonly TableWrite[]): PendingPut[][] {
  const byKey = new Map<string, PendingPut>();
  for (const write of writes) {
    for (const item of write.items) {
      const id = itemKey(write.table, write.key, item);
      byKey.set(id, {
        table: write.table,
        request: { PutRequest: { Item: toAttributeMap(item) } },
      });
    }
  }
  const puts = [...byKey.values()];
  const batches: PendingPut[][] = [];
  for (let i = 0; i < puts.length; i += MAX_BATCH_ITEMS) batches.push(puts.slice(i, i + MAX_BATCH_ITEMS));
  return batches;
}

function itemKey(table: string, key: readonly string[], item: object): string {
  const parts = key.map((name) => {
    const value = (item as Record<string, unknown>)[name];
    if (value === undefined || value === null)
      throw new Error(`item for ${table} has no key attribute ${name}`);
    return JSON.stringify(value);
  });
  return JSON.stringify([table, ...parts]);
}

function groupByTable(batch: PendingPut[]): Record<string, WriteRequest[]> {
  const grouped: Record<string, WriteRequest[]> = {};
  for (const put of batch) (grouped[put.table] ??= []).push(put.request);
  return grouped;
}

function countRequests(requests: Record<string, WriteRequest[] | undefined>): number {
  return Object.values(requests).reduce((n, list) => n + (list?.length ?? 0), 0);
}

function isServerError(err: unknown): boolean {
  return httpStatusOf(err) >= 500;
}

/** Runs `task` over `inputs` with at most `limit` running at once; the first failure rejects (others finish). */
export async function runBounded<T>(
  inputs: readonly T[],
  limit: number,
  task: (input: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | undefined;
  const worker = async () => {
    while (next < inputs.length && !failure) {
      const input = inputs[next++] as T;
      try {
        await task(input);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, inputs.length) }, worker));
  if (failure) throw failure.err;
}
