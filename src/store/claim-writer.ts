import {
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { isRetryableDynamoError } from '../clients/dynamodb.js';
import { ServiceError } from '../errors.js';
import { runBounded, type WriterOptions } from './batch-writer.js';
import { DEFAULT_BACKOFF, RetryTimeoutError, retryWithBackoff, systemClock } from './retry.js';
import { TTL_ATTRIBUTE } from './table-definitions.js';

/**
 * First-delivery claims (docs/data-model.md, "De-duplication"). Before an event counts, the processor
 * claims its `event_id` with one conditional PutItem of the claim item (`dedupe#<event_id>`, `claim`) in
 * the raw-events table. The claim records the delivery (`<topic>/<partition>/<offset>`) and a hash of the
 * event's content. The put succeeds when there is no live claim, or when the stored claim is this very
 * delivery (a replay after a crash or rebalance); any other copy is refused and learns who won.
 * BatchWriteItem takes no conditions, and dynalite has no transactions, so each claim is one request,
 * sent with bounded parallelism; the processor's cache keeps known copies from paying it.
 */

/** A claim the processor wants to make. */
export interface Claim {
  eventId: string;
  /** `<topic>/<partition>/<offset>`: what makes a replay the same delivery. */
  delivery: string;
  /** Hash of the canonical event: equal hashes are identical copies, different ones conflicting. */
  hash: string;
  /** Epoch seconds after which the claim is dead (event time + horizon); also the item's TTL. */
  expiresAt: number;
}

/** The claim that holds an event_id. */
export type StoredClaim = Omit<Claim, 'eventId'>;

/** `won`: this delivery holds the claim (new, or a replay of it); `taken`: another one does. */
export type ClaimOutcome = { status: 'won' } | { status: 'taken'; stored: StoredClaim };

export const CLAIM_PREFIX = 'dedupe#';
/** The sort key of every claim item: never an ISO timestamp, so never a raw event's key. */
export const CLAIM_SORT_KEY = 'claim';

export function claimItemKey(eventId: string): { event_id: string; timestamp: string } {
  return { event_id: `${CLAIM_PREFIX}${eventId}`, timestamp: CLAIM_SORT_KEY };
}

/** True for a raw-events item that is a claim, not an event (for tools that scan the table). */
export function isClaimItem(item: { timestamp?: unknown }): boolean {
  return item.timestamp === CLAIM_SORT_KEY;
}

/** A claim vanished between the refused put and the read (expired and deleted): try again, this often. */
const MAX_CLAIM_ATTEMPTS = 3;

export class ClaimWriter {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly options: WriterOptions = {},
  ) {}

  /** Claims each event_id (ids must be distinct); outcomes in input order. */
  async claimAll(claims: readonly Claim[], nowSeconds: number): Promise<ClaimOutcome[]> {
    const outcomes: ClaimOutcome[] = new Array<ClaimOutcome>(claims.length);
    const indexed = claims.map((claim, i) => ({ claim, i }));
    await runBounded(indexed, this.options.concurrency ?? 8, async ({ claim, i }) => {
      outcomes[i] = await this.claim(claim, nowSeconds);
    });
    return outcomes;
  }

  async claim(claim: Claim, nowSeconds: number): Promise<ClaimOutcome> {
    for (let attempt = 1; ; attempt++) {
      const refused = await this.put(claim, nowSeconds);
      if (!refused) return { status: 'won' };
      const stored = refused.Item ? toStored(refused.Item) : await this.read(claim.eventId);
      if (stored && stored.expiresAt > nowSeconds) return { status: 'taken', stored };
      if (attempt >= MAX_CLAIM_ATTEMPTS)
        throw new ServiceError(`the claim of event ${claim.eventId} kept changing while it was read`);
    }
  }

  /** The conditional put; resolves undefined when it landed, or with the refusal (and the stored item). */
  private async put(
    claim: Claim,
    nowSeconds: number,
  ): Promise<{ Item?: Record<string, AttributeValue> } | undefined> {
    const item = {
      ...claimItemKey(claim.eventId),
      d: claim.delivery,
      h: claim.hash,
      [TTL_ATTRIBUTE]: claim.expiresAt,
    };
    try {
      await this.withRetry(() =>
        this.client.send(
          new PutItemCommand({
            TableName: this.table,
            Item: marshall(item),
            ConditionExpression: 'attribute_not_exists(#id) OR #d = :d OR #exp <= :now',
            ExpressionAttributeNames: { '#id': 'event_id', '#d': 'd', '#exp': TTL_ATTRIBUTE },
            ExpressionAttributeValues: marshall({ ':d': claim.delivery, ':now': nowSeconds }),
            // Real DynamoDB returns the stored claim with the refusal, saving the read below.
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      );
      return undefined;
    } catch (err) {
      if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
      return { Item: (err as { Item?: Record<string, AttributeValue> }).Item };
    }
  }

  private async read(eventId: string): Promise<StoredClaim | undefined> {
    const { Item } = await this.withRetry(() =>
      this.client.send(
        new GetItemCommand({
          TableName: this.table,
          Key: marshall(claimItemKey(eventId)),
          ConsistentRead: true,
        }),
      ),
    );
    return Item ? toStored(Item) : undefined;
  }

  private async withRetry<T>(call: () => Promise<T>): Promise<T> {
    const metrics = this.options.metrics;
    try {
      return await retryWithBackoff<T>(
        async () => {
          metrics?.request?.(1);
          try {
            return { done: true, value: await call() };
          } catch (err) {
            if (!isRetryableDynamoError(err)) throw err;
            metrics?.retry?.('throttled', 1);
            return { done: false, reason: (err as Error).name || String(err) };
          }
        },
        {
          policy: this.options.policy ?? DEFAULT_BACKOFF,
          clock: this.options.clock ?? systemClock,
          signal: this.options.signal,
        },
      );
    } catch (err) {
      if (!(err instanceof RetryTimeoutError)) throw err;
      throw new ServiceError(
        `DynamoDB kept refusing event claims in ${this.table} for ${Math.round(err.elapsedMs / 1000)} s (${err.lastReason})`,
        {
          hint: 'the table is throttled: raise its capacity, use on-demand billing, or lower the write rate',
          cause: err,
        },
      );
    }
  }
}

function toStored(item: Record<string, AttributeValue>): StoredClaim {
  const v = unmarshall(item);
  return { delivery: String(v.d), hash: String(v.h), expiresAt: Number(v[TTL_ATTRIBUTE]) };
}
