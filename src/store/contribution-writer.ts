import {
  BatchGetItemCommand,
  GetItemCommand,
  UpdateItemCommand,
  type QueryCommandInput,
  type DynamoDBClient,
  type KeysAndAttributes,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { isRetryableDynamoError } from '../clients/dynamodb.js';
import { ServiceError } from '../errors.js';
import { runBounded, type WriterMetrics, type WriterOptions } from './batch-writer.js';
import { countDeltas, type Contribution, type RollupKey, type WindowKey } from './contribution.js';
import {
  DEFAULT_BACKOFF,
  RetryTimeoutError,
  retryWithBackoff,
  systemClock,
  type BackoffPolicy,
  type RetryClock,
} from './retry.js';
import { queryPages, type Reader } from './query-pages.js';
import { INDEX, type TableNames } from './table-definitions.js';
import { isoTime, utcDay } from '../events/windows.js';
import {
  daysBetween,
  entryName,
  fromEntry,
  rollupItemKey,
  sameEntry,
  toEntry,
  windowItemKey,
  WINDOW_COUNTERS,
} from './contribution-entries.js';

/**
 * Offset-conditioned updates of aggregation windows and rollups (docs/data-model.md, "Exactness").
 * The caller says "partition k's contribution to item X is now `next` (offset O), it was `previous`
 * (offset O0, or none)"; one UpdateItem then sets `p_<k>` and ADDs the difference to the totals, on
 * condition that the stored entry is still `previous`. A replay or a competing writer is refused by
 * DynamoDB and reported as a conflict, never counted twice.
 */

export interface ContributionWrite<K> {
  key: K;
  previous: Contribution | null;
  next: Contribution;
}

/** `conflict`: the stored entry was not `previous`; `stored` is what is there now (re-plan from it). */
export type ContributionOutcome =
  { status: 'applied' } | { status: 'unchanged' } | { status: 'conflict'; stored: Contribution | null };

export class ContributionWriter {
  private readonly policy: BackoffPolicy;
  private readonly clock: RetryClock;
  private readonly metrics: WriterMetrics | undefined;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tables: Pick<TableNames, 'aggregations' | 'rollups'>,
    private readonly options: WriterOptions = {},
  ) {
    this.policy = options.policy ?? DEFAULT_BACKOFF;
    this.clock = options.clock ?? systemClock;
    this.metrics = options.metrics;
  }

  async writeWindow(partition: number, write: ContributionWrite<WindowKey>): Promise<ContributionOutcome> {
    const key = windowItemKey(write.key);
    const extra = {
      city: write.key.city,
      event_type: write.key.eventType,
      window_end: isoTime(write.key.window.endMs),
      window_day: utcDay(write.key.window.startMs),
    };
    const outcome = await this.update(this.tables.aggregations, key, partition, write, extra, true);
    // The item is final when every partition that contributed is: open_parts counts the others.
    if (outcome.status !== 'conflict' && write.next.final) await this.markFinalIfClosed(key);
    return outcome;
  }

  async writeRollup(partition: number, write: ContributionWrite<RollupKey>): Promise<ContributionOutcome> {
    return this.update(this.tables.rollups, rollupItemKey(write.key), partition, write, {}, false);
  }

  /** Writes windows and rollups of one partition with bounded parallelism; outcomes in input order. */
  async writeAll(
    partition: number,
    windows: ReadonlyArray<ContributionWrite<WindowKey>>,
    rollups: ReadonlyArray<ContributionWrite<RollupKey>>,
  ): Promise<{ windows: ContributionOutcome[]; rollups: ContributionOutcome[]; conflicts: number }> {
    const jobs = [
      ...windows.map((w, i) => async () => void (windowOut[i] = await this.writeWindow(partition, w))),
      ...rollups.map((r, i) => async () => void (rollupOut[i] = await this.writeRollup(partition, r))),
    ];
    const windowOut: ContributionOutcome[] = [];
    const rollupOut: ContributionOutcome[] = [];
    await runBounded(jobs, this.options.concurrency ?? 4, (job) => job());
    const conflicts = [...windowOut, ...rollupOut].filter((o) => o.status === 'conflict').length;
    return { windows: windowOut, rollups: rollupOut, conflicts };
  }

  /** Partition k's stored entries of the given windows (null where absent), by strongly consistent reads. */
  readWindows(partition: number, keys: readonly WindowKey[]): Promise<Array<Contribution | null>> {
    return this.readMany(this.tables.aggregations, keys.map(windowItemKey), partition);
  }

  readRollups(partition: number, keys: readonly RollupKey[]): Promise<Array<Contribution | null>> {
    return this.readMany(this.tables.rollups, keys.map(rollupItemKey), partition);
  }

  /**
   * Partition k's entries that are not final, of windows starting within [fromMs, toMs]: what a processor
   * restores when it is assigned a partition. A final entry counts as open while its item is not final
   * yet (other partitions still open, or a crash between the two finality updates), so that the
   * processor writes it again and the item's `final` is repaired. One Query per UTC day on the `by-day` index (bounded by
   * the range, never a Scan). Index reads are eventually consistent: an entry written an instant ago may
   * be missing here, which is why the processor still reads each key (consistently) when first touched.
   */
  async readOpenWindows(
    partition: number,
    range: { fromMs: number; toMs: number },
  ): Promise<Array<{ key: WindowKey; entry: Contribution }>> {
    const open: Array<{ key: WindowKey; entry: Contribution }> = [];
    const p = entryName(partition);
    // Unbounded pages: a restore must see every open window of the range, however many there are.
    const reader: Reader = {
      client: this.client,
      send: (command) => this.withRetry(`query ${this.tables.aggregations}`, () => this.client.send(command)),
    };
    for (const day of daysBetween(range.fromMs, range.toMs)) {
      const input: QueryCommandInput = {
        TableName: this.tables.aggregations,
        IndexName: INDEX.aggregationsByDay,
        KeyConditionExpression: '#day = :day AND #start BETWEEN :from AND :to',
        FilterExpression: 'attribute_exists(#p) AND NOT (#p.#f = :true AND #final = :true)',
        ExpressionAttributeNames: {
          '#day': 'window_day',
          '#start': 'window_start',
          '#p': p,
          '#f': 'f',
          '#final': 'final',
        },
        ExpressionAttributeValues: marshall({
          ':day': day,
          ':from': isoTime(range.fromMs),
          ':to': isoTime(range.toMs),
          ':true': true,
        }),
      };
      for await (const page of queryPages(reader, input, Infinity)) {
        for (const item of page.Items ?? []) {
          const v = unmarshall(item);
          const entry = fromEntry(v[p]);
          if (!entry) continue;
          const key: WindowKey = {
            city: String(v.city),
            eventType: String(v.event_type),
            window: { startMs: Date.parse(String(v.window_start)), endMs: Date.parse(String(v.window_end)) },
          };
          open.push({ key, entry });
        }
      }
    }
    return open;
  }

  private async update(
    table: string,
    key: Record<string, string>,
    partition: number,
    write: ContributionWrite<unknown>,
    extra: Record<string, string>,
    isWindow: boolean,
  ): Promise<ContributionOutcome> {
    const { previous, next } = write;
    if (previous && sameEntry(previous, next)) return { status: 'unchanged' };
    const names: Record<string, string> = { '#p': entryName(partition) };
    const values: Record<string, unknown> = { ':entry': toEntry(next, isWindow) };
    const sets = ['#p = :entry'];
    Object.entries(extra).forEach(([name, value], i) => {
      names[`#x${i}`] = name;
      values[`:x${i}`] = value;
      sets.push(`#x${i} = :x${i}`);
    });
    const deltas = countDeltas(previous, next);
    if (isWindow) {
      for (const counter of WINDOW_COUNTERS) deltas[counter] ??= 0;
      deltas.open_parts = (next.final ? 0 : 1) - (previous === null || previous.final ? 0 : 1);
      if (!next.final) {
        names['#final'] = 'final';
        values[':false'] = false;
        sets.push('#final = :false');
      }
    }
    const adds = Object.entries(deltas).map(([name, delta], i) => {
      names[`#c${i}`] = name;
      values[`:c${i}`] = delta;
      return `#c${i} :c${i}`;
    });
    let condition = 'attribute_not_exists(#p)';
    if (previous) {
      condition = '#p.#o = :previousOffset';
      names['#o'] = 'o';
      values[':previousOffset'] = previous.o;
    }
    const input = {
      TableName: table,
      Key: marshall(key),
      UpdateExpression: `SET ${sets.join(', ')}${adds.length > 0 ? ` ADD ${adds.join(', ')}` : ''}`,
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: marshall(values, { removeUndefinedValues: true }),
    };
    try {
      await this.withRetry(`update ${table}`, () => this.client.send(new UpdateItemCommand(input)));
      return { status: 'applied' };
    } catch (err) {
      if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
      return { status: 'conflict', stored: await readContribution(this.client, table, key, partition) };
    }
  }

  /** Sets `final = true` once no contributing partition is still open (open_parts = 0). */
  private async markFinalIfClosed(key: Record<string, string>): Promise<void> {
    try {
      await this.withRetry('finalize window', () =>
        this.client.send(
          new UpdateItemCommand({
            TableName: this.tables.aggregations,
            Key: marshall(key),
            UpdateExpression: 'SET #final = :true',
            ConditionExpression: '#open = :zero',
            ExpressionAttributeNames: { '#final': 'final', '#open': 'open_parts' },
            ExpressionAttributeValues: { ':true': { BOOL: true }, ':zero': { N: '0' } },
          }),
        ),
      );
    } catch (err) {
      // Another partition still has the window open; its own final write will close it.
      if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
    }
  }

  private async readMany(
    table: string,
    keys: Array<Record<string, string>>,
    partition: number,
  ): Promise<Array<Contribution | null>> {
    const found = new Map<string, Contribution | null>();
    const ids = keys.map((k) => JSON.stringify(Object.values(k)));
    const unique = [...new Map(keys.map((k, i) => [ids[i] as string, k])).values()];
    const chunks: Array<Array<Record<string, string>>> = [];
    for (let i = 0; i < unique.length; i += 100) chunks.push(unique.slice(i, i + 100));
    await runBounded(chunks, this.options.concurrency ?? 4, async (chunk) => {
      let request: Record<string, KeysAndAttributes> = {
        [table]: {
          Keys: chunk.map((k) => marshall(k)),
          ConsistentRead: true,
          ProjectionExpression: Object.keys(chunk[0] ?? {})
            .map((_, i) => `#k${i}`)
            .concat('#p')
            .join(', '),
          ExpressionAttributeNames: {
            ...Object.fromEntries(Object.keys(chunk[0] ?? {}).map((name, i) => [`#k${i}`, name])),
            '#p': entryName(partition),
          },
        },
      };
      await this.withRetry(`read ${table}`, async () => {
        const result = await this.client.send(new BatchGetItemCommand({ RequestItems: request }));
        for (const item of result.Responses?.[table] ?? []) {
          const plain = unmarshall(item);
          const keyNames = Object.keys(chunk[0] ?? {});
          found.set(JSON.stringify(keyNames.map((n) => plain[n])), fromEntry(plain[entryName(partition)]));
        }
        const left = result.UnprocessedKeys?.[table];
        if (left?.Keys?.length) {
          request = { [table]: left };
          this.metrics?.retry?.('unprocessed', left.Keys.length);
          throw Object.assign(new Error(`${left.Keys.length} unprocessed keys`), {
            name: 'ThrottlingException',
          });
        }
      });
    });
    return ids.map((id) => found.get(id) ?? null);
  }

  /** Retries throttling and server errors with the writer's backoff; a clear ServiceError when time is up. */
  private async withRetry<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await retryWithBackoff<T>(
        async () => {
          this.metrics?.request?.(1);
          try {
            return { done: true, value: await call() };
          } catch (err) {
            if (!isRetryableDynamoError(err)) throw err;
            this.metrics?.retry?.('throttled', 1);
            return { done: false, reason: (err as Error).name || String(err) };
          }
        },
        { policy: this.policy, clock: this.clock, signal: this.options.signal },
      );
    } catch (err) {
      if (!(err instanceof RetryTimeoutError)) throw err;
      throw new ServiceError(
        `DynamoDB kept refusing to ${what} for ${Math.round(err.elapsedMs / 1000)} s (${err.lastReason})`,
        {
          hint: 'the table is throttled: raise its capacity, use on-demand billing, or lower the write rate',
          cause: err,
        },
      );
    }
  }
}

/**
 * Partition k's entry of one item, read strongly consistent: what the processor restores its state from.
 * `key` is the item's primary key as plain values, e.g. `{ scope: '*', day: '2026-11-22' }`.
 */
export async function readContribution(
  client: DynamoDBClient,
  table: string,
  key: Record<string, string>,
  partition: number,
): Promise<Contribution | null> {
  const { Item } = await client.send(
    new GetItemCommand({
      TableName: table,
      Key: marshall(key),
      ConsistentRead: true,
      ProjectionExpression: '#p',
      ExpressionAttributeNames: { '#p': entryName(partition) },
    }),
  );
  if (!Item) return null;
  return fromEntry(unmarshall(Item)[entryName(partition)]);
}
