import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Config } from '../../config/settings.js';
import { createDynamoClient } from '../../clients/dynamodb.js';
import { BatchWriter } from '../../store/batch-writer.js';
import { ClaimWriter } from '../../store/claim-writer.js';
import { ContributionWriter } from '../../store/contribution-writer.js';
import { eventWrites } from '../../store/items.js';
import type { ProcessorMetrics } from '../metrics.js';
import { tableNames } from '../../store/table-definitions.js';
import { ContributionConflict, type ProcessorSink } from './sink.js';

/**
 * The DynamoDB sink (docs/data-model.md): raw events and alerts through the batch writer; windows and
 * rollups through the contribution writer (one UpdateItem per item that sets this partition's entry
 * `p_<partition>` and ADDs the difference to the totals, conditioned on the stored offset), which also
 * reads the entries a partition restores on assignment; first-delivery claims through the claim writer
 * (conditional puts of one item per event_id, in the raw-events table, up to 100 per transaction).
 */
export interface DynamoSinkOptions {
  metrics?: ProcessorMetrics;
  client?: DynamoDBClient;
  /** Requests in flight at once per batch, for puts and for updates alike; default 16. */
  concurrency?: number;
}

/** Requests in flight to DynamoDB for the whole processor: 32 batches of 25 hide a 10 ms round trip. */
const MAX_IN_FLIGHT = 32;

export async function dynamoSink(config: Config, options: DynamoSinkOptions = {}): Promise<ProcessorSink> {
  const client = options.client ?? createDynamoClient(config, { maxAttempts: 8, maxInFlight: MAX_IN_FLIGHT });
  const tables = tableNames(config.prefix);
  // A batch's requests overlap their round trips, and the client bounds them all together: enough in
  // flight to hide a remote DynamoDB's round trip, few enough not to swamp the single-threaded embedded
  // one, where more concurrency only costs CPU per request (docs/local-stack.md, "Throughput").
  const concurrency = options.concurrency ?? 16;
  const writer = new BatchWriter(client, {
    concurrency,
    metrics: { retry: () => options.metrics?.dynamoRetries.inc() },
  });
  const contributions = new ContributionWriter(client, tables, {
    concurrency,
    metrics: { retry: () => options.metrics?.dynamoRetries.inc() },
  });
  const claims = new ClaimWriter(client, tables.rawEvents, {
    concurrency: options.concurrency ?? 8,
    mode: config.dedupeClaims,
    metrics: { retry: () => options.metrics?.dynamoRetries.inc() },
  });
  return {
    name: 'dynamodb',
    claimEvents: (list, nowSeconds) => claims.claimAll(list, nowSeconds),
    async putEvents(rawEvents, alerts) {
      await writer.write(eventWrites(tables, rawEvents, alerts, { ttlDays: config.ttlDays }));
    },
    readWindows: (partition, keys) => contributions.readWindows(partition, keys),
    readRollups: (partition, keys) => contributions.readRollups(partition, keys),
    openWindows: (partition, range) => contributions.readOpenWindows(partition, range),
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
