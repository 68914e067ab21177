import {
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  type AttributeValue,
  type CancellationReason,
  type DynamoDBClient,
  type Put,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { isRetryableDynamoError } from '../clients/dynamodb.js';
import { ServiceError } from '../errors.js';
import { toAttributeMap } from './attribute-values.js';
import { runBounded, type WriterOptions } from './batch-writer.js';
import { DEFAULT_BACKOFF, RetryTimeoutError, retryWithBackoff, systemClock } from './retry.js';
import { TTL_ATTRIBUTE } from './table-definitions.js';

/**
 * First-delivery claims (docs/data-model.md, "De-duplication"). Before an event counts, the processor
 * claims its `event_id` with a conditional put of the claim item (`dedupe#<event_id>`, `claim`) in
 * the raw-events table. The claim records the delivery (`<topic>/<partition>/<offset>`) and a hash of the
 * event's content. The put succeeds when there is no live claim, or when the stored claim is this very
 * delivery (a replay after a crash or rebalance); any other copy is refused and learns who won.
 * BatchWriteItem takes no conditions, so claims go together in TransactWriteItems (up to 100 conditional
 * puts per request; the embedded DynamoDB has it through patches/dynalite+4.0.0.patch) or, with
 * `single`, one PutItem each (half the write units on DynamoDB, a request per claim). Either way the
 * requests run with bounded parallelism, and the processor's cache keeps known copies from paying them.
 */

/** `transaction`: up to 100 claims per TransactWriteItems (2 WCU each); `single`: a PutItem each (1 WCU). */
export type ClaimMode = 'transaction' | 'single';

export const CLAIM_MODES: readonly ClaimMode[] = ['transaction', 'single'];

export interface ClaimWriterOptions extends WriterOptions {
  /** Default `transaction`. */
  mode?: ClaimMode;
}

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

/** A claim lands when no claim is stored, when it is a replay of the stored one, or when that one expired. */
const CLAIM_CONDITION = `attribute_not_exists(event_id) OR d = :d OR ${TTL_ATTRIBUTE} <= :now`;

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

/** DynamoDB's limit of actions in one TransactWriteItems. */
export const MAX_CLAIMS_PER_TRANSACTION = 100;

/**
 * Cancellation codes of a claim that was not refused: it did not land because something else in its
 * transaction failed (`None`), or the request met contention or throttling; sent again after a backoff.
 */
const TRANSIENT_CANCELLATIONS = new Set([
  'None',
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
]);

/** A transaction cancelled only for transient reasons: retried with backoff like a throttled request. */
class TransientCancellation extends Error {
  constructor(codes: string) {
    super(`claim transaction cancelled (${codes})`);
    this.name = 'TransactionCancelled';
  }
}

export class ClaimWriter {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly options: ClaimWriterOptions = {},
  ) {}

  /** Claims each event_id (ids must be distinct); outcomes in input order. */
  async claimAll(claims: readonly Claim[], nowSeconds: number): Promise<ClaimOutcome[]> {
    const outcomes: ClaimOutcome[] = new Array<ClaimOutcome>(claims.length);
    const concurrency = this.options.concurrency ?? 8;
    if ((this.options.mode ?? 'transaction') === 'single') {
      const indexed = claims.map((claim, i) => ({ claim, i }));
      await runBounded(indexed, concurrency, async ({ claim, i }) => {
        outcomes[i] = await this.claim(claim, nowSeconds);
      });
      return outcomes;
    }
    const starts: number[] = [];
    for (let i = 0; i < claims.length; i += MAX_CLAIMS_PER_TRANSACTION) starts.push(i);
    await runBounded(starts, concurrency, async (start) => {
      const part = claims.slice(start, start + MAX_CLAIMS_PER_TRANSACTION);
      (await this.claimTogether(part, nowSeconds)).forEach((o, j) => (outcomes[start + j] = o));
    });
    return outcomes;
  }

  /**
   * Up to 100 claims in transactions: all land, or DynamoDB cancels the request and says, per claim,
   * why. Refused claims are decided (the stored claim comes with the refusal, or is read); the others
   * go again in the next transaction. Each round decides a claim or spends one of its attempts.
   */
  private async claimTogether(claims: readonly Claim[], nowSeconds: number): Promise<ClaimOutcome[]> {
    const outcomes = new Array<ClaimOutcome>(claims.length);
    const attempts = new Array<number>(claims.length).fill(0);
    let pending = claims.map((_, i) => i);
    while (pending.length > 0) {
      const reasons = await this.transact(
        pending.map((i) => claims[i]!),
        nowSeconds,
      );
      if (!reasons) {
        for (const i of pending) outcomes[i] = { status: 'won' };
        break;
      }
      const refused: { i: number; item?: Record<string, AttributeValue> }[] = [];
      const again: number[] = [];
      pending.forEach((i, k) => {
        if (reasons[k]?.Code === 'ConditionalCheckFailed') refused.push({ i, item: reasons[k]?.Item });
        else again.push(i);
      });
      const stored = await Promise.all(
        refused.map(({ i, item }) => (item ? toStored(item) : this.read(claims[i]!.eventId))),
      );
      refused.forEach(({ i }, k) => {
        const s = stored[k];
        if (s && s.expiresAt > nowSeconds) outcomes[i] = { status: 'taken', stored: s };
        else if (++attempts[i]! >= MAX_CLAIM_ATTEMPTS) throw changing(claims[i]!.eventId);
        else again.push(i);
      });
      pending = again;
    }
    return outcomes;
  }

  /** One transaction; resolves undefined when every claim landed, or with a reason per claim. */
  private async transact(
    claims: readonly Claim[],
    nowSeconds: number,
  ): Promise<CancellationReason[] | undefined> {
    return this.withRetry(async () => {
      try {
        await this.client.send(
          new TransactWriteItemsCommand({
            TransactItems: claims.map((claim) => ({ Put: this.putOf(claim, nowSeconds) })),
          }),
        );
        return undefined;
      } catch (err) {
        if ((err as { name?: string }).name === 'UnknownOperationException')
          throw new ServiceError(`the DynamoDB endpoint has no TransactWriteItems for the event claims`, {
            hint: 'claim one PutItem at a time with --dedupe-claims single (CITYSTREAM_DEDUPE_CLAIMS=single)',
            cause: err,
          });
        if ((err as { name?: string }).name !== 'TransactionCanceledException') throw err;
        const reasons = (err as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
        const codes = reasons.map((r) => r.Code ?? 'None');
        if (reasons.length !== claims.length)
          throw new ServiceError(
            `DynamoDB cancelled a transaction of ${claims.length} event claims in ${this.table} with ${reasons.length} reasons`,
            { cause: err },
          );
        if (codes.includes('ConditionalCheckFailed')) return reasons;
        if (codes.every((c) => TRANSIENT_CANCELLATIONS.has(c)))
          throw new TransientCancellation([...new Set(codes)].join(', '));
        throw new ServiceError(
          `DynamoDB cancelled a transaction of event claims in ${this.table}: ${[...new Set(codes)].join(', ')}`,
          { cause: err },
        );
      }
    });
  }

  async claim(claim: Claim, nowSeconds: number): Promise<ClaimOutcome> {
    for (let attempt = 1; ; attempt++) {
      const refused = await this.put(claim, nowSeconds);
      if (!refused) return { status: 'won' };
      const stored = refused.Item ? toStored(refused.Item) : await this.read(claim.eventId);
      if (stored && stored.expiresAt > nowSeconds) return { status: 'taken', stored };
      if (attempt >= MAX_CLAIM_ATTEMPTS) throw changing(claim.eventId);
    }
  }

  /** The conditional put; resolves undefined when it landed, or with the refusal (and the stored item). */
  private async put(
    claim: Claim,
    nowSeconds: number,
  ): Promise<{ Item?: Record<string, AttributeValue> } | undefined> {
    try {
      await this.withRetry(() => this.client.send(new PutItemCommand(this.putOf(claim, nowSeconds))));
      return undefined;
    } catch (err) {
      if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
      return { Item: (err as { Item?: Record<string, AttributeValue> }).Item };
    }
  }

  /** The claim's conditional put, alone or as one action of a transaction. */
  private putOf(claim: Claim, nowSeconds: number): Put {
    return {
      TableName: this.table,
      Item: claimAttributes(claim),
      // The names as they are (none is a reserved word): no name map to send with each of 100 actions.
      ConditionExpression: CLAIM_CONDITION,
      ExpressionAttributeValues: { ':d': { S: claim.delivery }, ':now': { N: integerText(nowSeconds) } },
      // DynamoDB returns the stored claim with the refusal, saving the read.
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    };
  }

  private async read(eventId: string): Promise<StoredClaim | undefined> {
    const { Item } = await this.withRetry(() =>
      this.client.send(
        new GetItemCommand({
          TableName: this.table,
          Key: toAttributeMap(claimItemKey(eventId)),
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
            if (!isRetryableDynamoError(err) && !(err instanceof TransientCancellation)) throw err;
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

/**
 * The claim item in attribute-value form, written out: the same as `toAttributeMap` of the key, `d`, `h`
 * and the TTL, without building that object first (a claim per event, 100 to a transaction).
 */
export function claimAttributes(claim: Claim): Record<string, AttributeValue> {
  const key = claimItemKey(claim.eventId);
  return {
    event_id: { S: key.event_id },
    timestamp: { S: key.timestamp },
    d: { S: claim.delivery },
    h: { S: claim.hash },
    [TTL_ATTRIBUTE]: { N: integerText(claim.expiresAt) },
  };
}

/** Epoch seconds as DynamoDB's number text; anything else is a bug upstream, refused here. */
function integerText(seconds: number): string {
  if (!Number.isSafeInteger(seconds)) throw new Error(`not a whole number of seconds: ${seconds}`);
  return String(seconds);
}

function changing(eventId: string): ServiceError {
  return new ServiceError(`the claim of event ${eventId} kept changing while it was read`);
}

function toStored(item: Record<string, AttributeValue>): StoredClaim {
  const v = unmarshall(item);
  return { delivery: String(v.d), hash: String(v.h), expiresAt: Number(v[TTL_ATTRIBUTE]) };
}
