import type { CreateTableCommandInput, GlobalSecondaryIndex } from '@aws-sdk/client-dynamodb';

/**
 * The four tables, as data (docs/data-model.md is the prose version of this file).
 * Pure: building a CreateTable input touches nothing.
 */
export const TABLE_KINDS = ['raw-events', 'aggregations', 'alerts', 'rollups'] as const;
export type TableKind = (typeof TABLE_KINDS)[number];

export interface TableNames {
  rawEvents: string;
  aggregations: string;
  alerts: string;
  rollups: string;
}

/** GSI names, shared with the read side. */
export const INDEX = {
  rawEventsByCity: 'by-city',
  alertsByDay: 'by-day',
  aggregationsByDay: 'by-day',
} as const;

/** Number of write shards of the raw-events `by-city` index (`<city>#0..3`). */
export const CITY_SHARDS = 4;

/** The TTL attribute of raw events and alerts (epoch seconds). */
export const TTL_ATTRIBUTE = 'expires_at';
export const TTL_KINDS: readonly TableKind[] = ['raw-events', 'alerts'];

export function tableName(prefix: string, kind: TableKind): string {
  return `${prefix}${kind}`;
}

export function tableNames(prefix: string): TableNames {
  return {
    rawEvents: tableName(prefix, 'raw-events'),
    aggregations: tableName(prefix, 'aggregations'),
    alerts: tableName(prefix, 'alerts'),
    rollups: tableName(prefix, 'rollups'),
  };
}

export type BillingMode = 'on-demand' | 'provisioned';

export interface Billing {
  mode: BillingMode;
  /** Read/write capacity units per table and per index, for provisioned mode. */
  rcu?: number;
  wcu?: number;
}

export const DEFAULT_PROVISIONED = { rcu: 5, wcu: 5 } as const;

interface Layout {
  hash: string;
  range: string;
  indexes: Array<{ name: string; hash: string; range: string }>;
}

const LAYOUTS: Record<TableKind, Layout> = {
  'raw-events': {
    hash: 'event_id',
    range: 'timestamp',
    indexes: [{ name: INDEX.rawEventsByCity, hash: 'city_shard', range: 'timestamp' }],
  },
  aggregations: {
    hash: 'agg_key',
    range: 'window_start',
    indexes: [{ name: INDEX.aggregationsByDay, hash: 'window_day', range: 'window_start' }],
  },
  alerts: {
    hash: 'city',
    range: 'alert_key',
    indexes: [{ name: INDEX.alertsByDay, hash: 'day', range: 'alert_key' }],
  },
  rollups: { hash: 'scope', range: 'day', indexes: [] },
};

/** The primary key attribute names of a table: what makes two writes "the same item". */
export function keyAttributes(kind: TableKind): [hash: string, range: string] {
  const layout = LAYOUTS[kind];
  return [layout.hash, layout.range];
}

export function tableDefinition(prefix: string, kind: TableKind, billing: Billing): CreateTableCommandInput {
  const layout = LAYOUTS[kind];
  const throughput =
    billing.mode === 'provisioned'
      ? {
          ReadCapacityUnits: billing.rcu ?? DEFAULT_PROVISIONED.rcu,
          WriteCapacityUnits: billing.wcu ?? DEFAULT_PROVISIONED.wcu,
        }
      : undefined;
  const attributes = new Set([
    layout.hash,
    layout.range,
    ...layout.indexes.flatMap((i) => [i.hash, i.range]),
  ]);
  const indexes: GlobalSecondaryIndex[] = layout.indexes.map((index) => ({
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.hash, KeyType: 'HASH' },
      { AttributeName: index.range, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'ALL' },
    ...(throughput ? { ProvisionedThroughput: throughput } : {}),
  }));
  return {
    TableName: tableName(prefix, kind),
    AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: layout.hash, KeyType: 'HASH' },
      { AttributeName: layout.range, KeyType: 'RANGE' },
    ],
    ...(indexes.length > 0 ? { GlobalSecondaryIndexes: indexes } : {}),
    BillingMode: billing.mode === 'provisioned' ? 'PROVISIONED' : 'PAY_PER_REQUEST',
    ...(throughput ? { ProvisionedThroughput: throughput } : {}),
  };
}

/** Resolves what a user typed (`alerts` or `citystream-alerts`) to a table kind, or undefined. */
export function resolveTableKind(prefix: string, nameOrKind: string): TableKind | undefined {
  return TABLE_KINDS.find((kind) => kind === nameOrKind || tableName(prefix, kind) === nameOrKind);
}
