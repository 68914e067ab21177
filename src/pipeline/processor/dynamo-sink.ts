import {
  BatchGetItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Config } from '../../infra/config-schema.js';
import { createDynamoClient } from '../../infra/dynamodb.js';
import { BatchWriter, runBounded } from '../batch-writer.js';
import { eventWrites } from '../items.js';
import type { ProcessorMetrics } from '../metrics.js';
import { sleep } from '../retry.js';
import { INDEX, tableNames, type TableNames } from '../table-definitions.js';
import { isoTime, utcDay, windowOf } from '../windows.js';
import type { RollupWrite, WindowWrite } from './batch-planner.js';
import { countDeltas, type Contribution, type RollupKey, type WindowKey } from './contribution.js';
import { ContributionConflict, type ProcessorSink } from './sink.js';

/**
 * The DynamoDB sink (docs/data-model.md): raw events and alerts through the batch writer; windows and
 * rollups as one UpdateItem per item that sets this partition's entry `p_<partition>` and ADDs the
 * difference to the totals, conditioned on the entry's stored offset being the one the plan started from.
 */
export interface DynamoSinkOptions {
  metrics?: ProcessorMetrics;
  client?: DynamoDBClient;
  /** Update requests in flight at once; default 8. */
  concurrency?: number;
}

const MAX_BATCH_GET = 100;

export async function dynamoSink(config: Config, options: DynamoSinkOptions = {}): Promise<ProcessorSink> {
  const client = options.client ?? createDynamoClient(config, { maxAttempts: 8 });
  const tables = tableNames(config.prefix);
  const writer = new BatchWriter(client, {
    concurrency: 8,
    metrics: { retry: () => options.metrics?.dynamoRetries.inc() },
  });
  const concurrency = options.concurrency ?? 8;
  const windowMs = Math.round(config.windowMinutes * 60_000);
  return {
    name: 'dynamodb',
    async putEvents(rawEvents, alerts) {
      await writer.write(eventWrites(tables, rawEvents, alerts, { ttlDays: config.ttlDays }));
    },
    readWindows: (partition, keys) =>
      readEntries(client, tables.aggregations, partition, keys.map(windowItemKey)),
    readRollups: (partition, keys) => readEntries(client, tables.rollups, partition, keys.map(rollupItemKey)),
    openWindows: (partition, range) => openWindows(client, tables, partition, range, windowMs),
    async writeContributions(partition, windows, rollups) {
      const updates = [
        ...windows.map((w) => windowUpdate(tables, partition, w)),
        ...rollups.map((r) => rollupUpdate(tables, partition, r)),
      ];
      await runBounded(updates, concurrency, async (input) => {
        try {
          await client.send(new UpdateItemCommand(input));
        } catch (err) {
          if ((err as { name?: string }).name === 'ConditionalCheckFailedException')
            throw new ContributionConflict(`p_${partition} of an item in ${input.TableName} changed`, {
              cause: err,
            });
          throw err;
        }
      });
    },
    close: async () => {
      if (!options.client) client.destroy();
    },
  };
}

function windowItemKey(key: WindowKey): Record<string, AttributeValue> {
  return {
    agg_key: { S: `${key.city}#${key.eventType}` },
    window_start: { S: isoTime(key.window.startMs) },
  };
}

function rollupItemKey(key: RollupKey): Record<string, AttributeValue> {
  return { scope: { S: key.scope }, day: { S: key.day } };
}

/** The stored entry as a Contribution: `{o, f?, first?, last?, <count attributes>…}`. */
function toContribution(raw: unknown): Contribution | null {
  if (!raw || typeof raw !== 'object') return null;
  const { o, f, first, last, ...counts } = raw as Record<string, unknown>;
  if (typeof o !== 'number') return null;
  const c: Contribution = { o, counts: {} };
  for (const [name, value] of Object.entries(counts)) if (typeof value === 'number') c.counts[name] = value;
  if (typeof first === 'string') c.first = first;
  if (typeof last === 'string') c.last = last;
  if (f === true) c.final = true;
  return c;
}

function toEntry(c: Contribution): Record<string, unknown> {
  const entry: Record<string, unknown> = { o: c.o, ...c.counts };
  if (c.first !== undefined) entry.first = c.first;
  if (c.last !== undefined) entry.last = c.last;
  if (c.final) entry.f = true;
  return entry;
}

/** BatchGetItem of just this partition's entry of each item, in the order of `keys`. */
async function readEntries(
  client: DynamoDBClient,
  table: string,
  partition: number,
  keys: Array<Record<string, AttributeValue>>,
): Promise<Array<Contribution | null>> {
  const found = new Map<string, Contribution | null>();
  const id = (k: Record<string, unknown>) => JSON.stringify(Object.values(unmarshallKey(k)));
  const keyNames = Object.keys(keys[0] ?? {});
  for (let i = 0; i < keys.length; i += MAX_BATCH_GET) {
    let pending: Array<Record<string, AttributeValue>> | undefined = dedupe(keys.slice(i, i + MAX_BATCH_GET));
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt > 0) await sleep(Math.min(2_000, 25 * 2 ** attempt));
      if (attempt > 12) throw new Error(`DynamoDB kept ${pending.length} keys of ${table} unprocessed`);
      const result: BatchGetItemCommandOutput = await client.send(
        new BatchGetItemCommand({
          RequestItems: {
            [table]: {
              Keys: pending,
              ConsistentRead: true,
              ProjectionExpression: [...keyNames.map((_, j) => `#k${j}`), '#p'].join(', '),
              ExpressionAttributeNames: {
                ...Object.fromEntries(keyNames.map((n, j) => [`#k${j}`, n])),
                '#p': `p_${partition}`,
              },
            },
          },
        }),
      );
      for (const item of result.Responses?.[table] ?? []) {
        const v = unmarshall(item);
        found.set(id(pick(item, keyNames)), toContribution(v[`p_${partition}`]));
      }
      pending = result.UnprocessedKeys?.[table]?.Keys;
    }
  }
  return keys.map((k) => found.get(id(k)) ?? null);
}

function pick(item: Record<string, AttributeValue>, names: string[]): Record<string, AttributeValue> {
  return Object.fromEntries(names.map((n) => [n, item[n]!]));
}

function unmarshallKey(k: Record<string, unknown>): Record<string, unknown> {
  return unmarshall(k as Record<string, AttributeValue>);
}

function dedupe(keys: Array<Record<string, AttributeValue>>): Array<Record<string, AttributeValue>> {
  const seen = new Map<string, Record<string, AttributeValue>>();
  for (const k of keys) seen.set(JSON.stringify(k), k);
  return [...seen.values()];
}

/** The windows of this partition that are not final and start in the range, via the `by-day` index. */
async function openWindows(
  client: DynamoDBClient,
  tables: TableNames,
  partition: number,
  range: { fromMs: number; toMs: number },
  windowMs: number,
): Promise<Array<{ key: WindowKey; entry: Contribution }>> {
  const open: Array<{ key: WindowKey; entry: Contribution }> = [];
  const days: string[] = [];
  for (let t = Math.floor(range.fromMs / 86_400_000) * 86_400_000; t <= range.toMs; t += 86_400_000)
    days.push(utcDay(t));
  for (const day of days) {
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tables.aggregations,
          IndexName: INDEX.aggregationsByDay,
          KeyConditionExpression: 'window_day = :day AND window_start BETWEEN :from AND :to',
          ExpressionAttributeValues: marshall({
            ':day': day,
            ':from': isoTime(range.fromMs),
            ':to': isoTime(range.toMs),
          }),
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const v = unmarshall(item);
        const entry = toContribution(v[`p_${partition}`]);
        if (!entry || entry.final) continue;
        const startMs = Date.parse(String(v.window_start));
        open.push({
          key: { city: String(v.city), eventType: String(v.event_type), window: windowOf(startMs, windowMs) },
          entry,
        });
      }
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return open;
}

interface Update {
  TableName: string;
  Key: Record<string, AttributeValue>;
  UpdateExpression: string;
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, AttributeValue>;
}

/** SET the entry (and `sets`), ADD the deltas, if the stored entry is still `previous`. */
function conditionalUpdate(
  table: string,
  key: Record<string, AttributeValue>,
  partition: number,
  previous: Contribution | null,
  next: Contribution,
  sets: Record<string, unknown>,
): Update {
  const names: Record<string, string> = { '#p': `p_${partition}` };
  const values: Record<string, unknown> = { ':entry': toEntry(next) };
  const setParts = ['#p = :entry'];
  Object.entries(sets).forEach(([name, value], i) => {
    names[`#s${i}`] = name;
    values[`:s${i}`] = value;
    setParts.push(`#s${i} = :s${i}`);
  });
  const addParts: string[] = [];
  Object.entries(countDeltas(previous, next)).forEach(([name, delta], i) => {
    names[`#a${i}`] = name;
    values[`:a${i}`] = delta;
    addParts.push(`#a${i} :a${i}`);
  });
  let condition = 'attribute_not_exists(#p)';
  if (previous) {
    condition = '#p.#o = :prev';
    names['#o'] = 'o';
    values[':prev'] = previous.o;
  }
  return {
    TableName: table,
    Key: key,
    UpdateExpression: `SET ${setParts.join(', ')}${addParts.length ? ` ADD ${addParts.join(', ')}` : ''}`,
    ConditionExpression: condition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: marshall(values, { removeUndefinedValues: true }),
  };
}

function windowUpdate(tables: TableNames, partition: number, w: WindowWrite): Update {
  return conditionalUpdate(tables.aggregations, windowItemKey(w.key), partition, w.previous, w.next, {
    city: w.key.city,
    event_type: w.key.eventType,
    window_end: isoTime(w.key.window.endMs),
    window_day: utcDay(w.key.window.startMs),
    // With keys partitioned by city (the producer's default) one partition feeds a window, so its
    // finality is the window's; with several, the last writer's view wins (docs/processing.md).
    final: w.next.final === true,
  });
}

function rollupUpdate(tables: TableNames, partition: number, r: RollupWrite): Update {
  return conditionalUpdate(tables.rollups, rollupItemKey(r.key), partition, r.previous, r.next, {});
}
