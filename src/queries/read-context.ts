import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TableNames } from '../store/table-definitions.js';
import type { Queryable } from './clickstream/click-queries.js';

export { CITY_SHARDS, INDEX } from '../store/table-definitions.js';

/** The four table names the read side addresses (as `tableNames(prefix)` builds them). */
export type ReadTables = TableNames;

/** Everything a read needs; `now` is injectable so tests and the TTL filter agree on one instant. */
export interface ReadContext {
  client: DynamoDBClient;
  tables: ReadTables;
  /** Defaults to the current time, read once per call. */
  now?: Date;
  /** Days raw events and alerts are kept: older items and rollup days are not returned. */
  ttlDays: number;
  /** Aborts the read's requests (the API gives each request a deadline). */
  signal?: AbortSignal;
  /** The clickstream's PostgreSQL, when the API serves it. */
  postgres?: Queryable;
}
