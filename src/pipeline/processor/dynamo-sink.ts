import { QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Config } from '../../infra/config-schema.js';
import { createDynamoClient } from '../../infra/dynamodb.js';
import { BatchWriter } from '../batch-writer.js';
import { ContributionWriter } from '../contribution-writer.js';
import { eventWrites } from '../items.js';
import type { ProcessorMetrics } from '../metrics.js';
import { INDEX, tableNames, type TableNames } from '../table-definitions.js';
import { isoTime, utcDay, windowOf } from '../windows.js';
import type { Contribution, WindowKey } from './contribution.js';
import { ContributionConflict, type ProcessorSink } from './sink.js';

/**
 * The DynamoDB sink (docs/data-model.md): raw events and alerts through the batch writer; windows and
 * rollups through the contribution writer (one UpdateItem per item that sets this partition's entry
 * `p_<partition>` and ADDs the difference to the totals, conditioned on the stored offset); and the one
 * read only the processor needs, the open windows of a partition on assignment.
 */
export interface DynamoSinkOptions {
  metrics?: ProcessorMetrics;
  client?: DynamoDBClient;
  /** Update requests in flight at once; default 8. */
  concurrency?: number;
}

export async function dynamoSink(config: Config, options: DynamoSinkOptions = {}): Promise<ProcessorSink> {
  const client = options.client ?? createDynamoClient(config, { maxAttempts: 8 });
  const tables = tableNames(config.prefix);
  const writer = new BatchWriter(client, {
    concurrency: 8,
    metrics: { retry: () => options.metrics?.dynamoRetries.inc() },
  });
  const contributions = new ContributionWriter(client, tables, {
    concurrency: options.concurrency ?? 8,
    metrics: { retry: () => options.metrics?.dynamoRetries.inc() },
  });
  const windowMs = Math.round(config.windowMinutes * 60_000);
  return {
    name: 'dynamodb',
    async putEvents(rawEvents, alerts) {
      await writer.write(eventWrites(tables, rawEvents, alerts, { ttlDays: config.ttlDays }));
    },
    readWindows: (partition, keys) => contributions.readWindows(partition, keys),
    readRollups: (partition, keys) => contributions.readRollups(partition, keys),
    openWindows: (partition, range) => openWindows(client, tables, partition, range, windowMs),
    async writeContributions(partition, windows, rollups) {
      const { conflicts } = await contributions.writeAll(partition, windows, rollups);
      if (conflicts > 0)
        throw new ContributionConflict(`${conflicts} entries p_${partition} were changed by another member`);
    },
    close: async () => {
      if (!options.client) client.destroy();
    },
  };
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

/** The windows of this partition, not final (or not yet marked so), starting in the range, via `by-day`. */
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
        // Final entries of items not yet final too: the item's `final` may have been cut off by a crash.
        if (!entry || (entry.final && v.final === true)) continue;
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
