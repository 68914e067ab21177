import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoClient, type DynamoTarget } from '../clients/dynamodb.js';

/** How long the API works on a request before it answers 503 (`StartApiOptions.requestTimeoutMs`). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * The API's DynamoDB client, for `serve` and `up` alike: since its reads do not carry the deadline, it
 * ends any one request whose connection stays silent for that long.
 */
export function apiDynamoClient(config: DynamoTarget): DynamoDBClient {
  return createDynamoClient(config, { requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS });
}

/**
 * `work`, or the deadline's reason (a `TimeoutError`, which the API answers with 503) if the deadline
 * passes first. The read is not handed the signal request by request: it checks it between pages, and
 * its client ends a request that hangs (`requestTimeoutMs`), so nothing waits past the deadline for it.
 */
export function beforeDeadline<T>(work: Promise<T>, deadline: AbortSignal): Promise<T> {
  if (deadline.aborted) {
    work.catch(() => {}); // settled later, wanted by nobody
    return Promise.reject(deadline.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const expire = () => reject(deadline.reason as Error);
    deadline.addEventListener('abort', expire, { once: true });
    work.then(
      (value) => {
        deadline.removeEventListener('abort', expire);
        resolve(value);
      },
      (err: unknown) => {
        deadline.removeEventListener('abort', expire);
        reject(err as Error);
      },
    );
  });
}
