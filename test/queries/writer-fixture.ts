/**
 * Writes a data set through the pipeline's own writers, as the processor does: raw events and alerts
 * with the BatchWriter (items.ts), windows and rollups as per-partition contributions with the
 * ContributionWriter. Events alternate between two Kafka partitions, so windows and rollup rows are
 * the sum of two `p_*` entries, as with a producer that does not key by city.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriter } from '../../src/store/batch-writer.js';
import { ContributionWriter, type ContributionWrite } from '../../src/store/contribution-writer.js';
import type { CityEvent } from '../../src/events/event.js';
import { eventWrites } from '../../src/store/items.js';
import {
  addToRollup,
  addToWindow,
  rollupId,
  rollupKeysOf,
  windowId,
  windowKeyOf,
  type Contribution,
  type RollupKey,
  type WindowKey,
} from '../../src/store/contribution.js';
import type { TableNames } from '../../src/store/table-definitions.js';
import { isAlert, TTL_DAYS, WINDOW_MS } from './read-data-set.js';

export const PARTITIONS = 2;

/** Windows ending at or before this instant are written as final (a watermark 10 minutes behind `now`). */
export function finalBefore(now: Date): number {
  return now.getTime() - 10 * 60_000;
}

export async function writeThroughWriters(
  client: DynamoDBClient,
  tables: TableNames,
  events: CityEvent[],
  now: Date,
): Promise<void> {
  await new BatchWriter(client).write(
    eventWrites(tables, events, events.filter(isAlert), { ttlDays: TTL_DAYS }),
  );
  const contributions = new ContributionWriter(client, tables);
  for (let partition = 0; partition < PARTITIONS; partition += 1) {
    const windows = new Map<string, { key: WindowKey; next: Contribution }>();
    const rollups = new Map<string, { key: RollupKey; next: Contribution }>();
    events.forEach((event, index) => {
      if (index % PARTITIONS !== partition) return;
      const offset = index; // offsets grow within a partition, which is all the writer needs
      const ms = Date.parse(event.timestamp);
      const wkey = windowKeyOf(event, ms, WINDOW_MS);
      const w = windows.get(windowId(wkey));
      windows.set(windowId(wkey), { key: wkey, next: addToWindow(w?.next ?? null, offset, event) });
      for (const rkey of rollupKeysOf(event, ms)) {
        const r = rollups.get(rollupId(rkey));
        rollups.set(rollupId(rkey), {
          key: rkey,
          next: addToRollup(r?.next ?? null, offset, event, rkey.scope, isAlert(event)),
        });
      }
    });
    const windowWrites: Array<ContributionWrite<WindowKey>> = [...windows.values()].map(({ key, next }) => ({
      key,
      previous: null,
      next: { ...next, final: key.window.endMs <= finalBefore(now) },
    }));
    const rollupWrites = [...rollups.values()].map(({ key, next }) => ({ key, previous: null, next }));
    const result = await contributions.writeAll(partition, windowWrites, rollupWrites);
    if (result.conflicts > 0) throw new Error(`${result.conflicts} conflicting writes on a fresh table`);
  }
}
