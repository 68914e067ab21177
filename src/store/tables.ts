import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ScanCommand,
  DescribeTimeToLiveCommand,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
  type AttributeValue,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { isTableMissing } from '../clients/dynamodb.js';
import { ServiceError } from '../errors.js';
import { sleep } from './retry.js';
import {
  TABLE_KINDS,
  TTL_ATTRIBUTE,
  TTL_KINDS,
  tableDefinition,
  tableName,
  type Billing,
  type BillingMode,
  type TableKind,
} from './table-definitions.js';

/** One table as the CLI shows it; `status` is `MISSING` when the table does not exist. */
export interface TableInfo {
  kind: TableKind;
  name: string;
  status: string;
  itemCount?: number;
  sizeBytes?: number;
  billingMode?: BillingMode;
  keys?: string[];
  indexes?: Array<{ name: string; keys: string[]; status: string }>;
  createdAt?: string;
}

export interface WaitOptions {
  /** How long to wait for ACTIVE (or gone) before failing; default 5 minutes (real DynamoDB is slow). */
  timeoutMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

export interface CreateTablesOptions extends WaitOptions {
  prefix: string;
  billing: Billing;
  kinds?: readonly TableKind[];
}

export interface CreateTablesResult {
  tables: Array<{ kind: TableKind; name: string; action: 'created' | 'existed' }>;
  /** Things the user should know that did not stop the command (e.g. TTL unsupported by the endpoint). */
  notes: string[];
}

/** The names that exist under a prefix (ListTables pages through every table of the account/endpoint). */
async function existingNames(client: DynamoDBClient, prefix: string): Promise<Set<string>> {
  const names = new Set<string>();
  let start: string | undefined;
  do {
    const page = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start, Limit: 100 }));
    for (const name of page.TableNames ?? []) if (name.startsWith(prefix)) names.add(name);
    start = page.LastEvaluatedTableName;
  } while (start);
  return names;
}

/** The four tables, each with its status (or MISSING). */
export async function listTables(client: DynamoDBClient, prefix: string): Promise<TableInfo[]> {
  const names = await existingNames(client, prefix);
  return Promise.all(
    TABLE_KINDS.map(async (kind) => {
      const name = tableName(prefix, kind);
      if (!names.has(name)) return { kind, name, status: 'MISSING' };
      return (await describeTable(client, prefix, kind)) ?? { kind, name, status: 'MISSING' };
    }),
  );
}

/** One table's description, or undefined if it does not exist. */
export async function describeTable(
  client: DynamoDBClient,
  prefix: string,
  kind: TableKind,
): Promise<TableInfo | undefined> {
  const name = tableName(prefix, kind);
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    return Table ? toInfo(kind, Table) : undefined;
  } catch (err) {
    if (isTableMissing(err)) return undefined;
    throw err;
  }
}

function toInfo(kind: TableKind, t: TableDescription): TableInfo {
  // DynamoDB Local and dynalite may leave out BillingModeSummary; provisioned tables have capacity > 0.
  const mode =
    t.BillingModeSummary?.BillingMode ??
    ((t.ProvisionedThroughput?.WriteCapacityUnits ?? 0) > 0 ? 'PROVISIONED' : 'PAY_PER_REQUEST');
  return {
    kind,
    name: t.TableName ?? '',
    status: t.TableStatus ?? 'UNKNOWN',
    itemCount: t.ItemCount,
    sizeBytes: t.TableSizeBytes,
    billingMode: mode === 'PAY_PER_REQUEST' ? 'on-demand' : 'provisioned',
    keys: (t.KeySchema ?? []).map((k) => `${k.AttributeName} (${k.KeyType})`),
    indexes: (t.GlobalSecondaryIndexes ?? []).map((i) => ({
      name: i.IndexName ?? '',
      keys: (i.KeySchema ?? []).map((k) => `${k.AttributeName} (${k.KeyType})`),
      status: i.IndexStatus ?? 'UNKNOWN',
    })),
    createdAt: t.CreationDateTime?.toISOString(),
  };
}

/**
 * Creates the tables that do not exist yet (idempotent), waits until every table and index is ACTIVE,
 * then enables TTL on raw events and alerts. An endpoint without the TTL API (dynalite) gets a note,
 * not a failure: the read side filters expired items anyway.
 */
export async function createTables(
  client: DynamoDBClient,
  options: CreateTablesOptions,
): Promise<CreateTablesResult> {
  const kinds = options.kinds ?? TABLE_KINDS;
  const existing = await existingNames(client, options.prefix);
  const tables: CreateTablesResult['tables'] = [];
  for (const kind of kinds) {
    const name = tableName(options.prefix, kind);
    if (existing.has(name)) {
      tables.push({ kind, name, action: 'existed' });
      continue;
    }
    try {
      await client.send(new CreateTableCommand(tableDefinition(options.prefix, kind, options.billing)));
      tables.push({ kind, name, action: 'created' });
    } catch (err) {
      // Someone else (another `up`, a deploy) created it between our list and our create.
      if ((err as { name?: string }).name !== 'ResourceInUseException') throw err;
      tables.push({ kind, name, action: 'existed' });
    }
  }
  for (const { name } of tables) await waitUntilActive(client, name, options);
  const notes: string[] = [];
  for (const { kind, name } of tables) {
    if (!TTL_KINDS.includes(kind)) continue;
    const note = await enableTtl(client, name);
    if (note && !notes.includes(note)) notes.push(note);
  }
  return { tables, notes };
}

async function enableTtl(client: DynamoDBClient, name: string): Promise<string | undefined> {
  const current = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
  const status = current.TimeToLiveDescription?.TimeToLiveStatus;
  // Enabling twice is a ValidationException on DynamoDB, so look first.
  if (status === 'ENABLED' || status === 'ENABLING') return undefined;
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    );
    return undefined;
  } catch (err) {
    if ((err as { name?: string }).name === 'UnknownOperationException') {
      return 'this endpoint does not support the TTL API (UpdateTimeToLive), so expired items are not deleted; queries still hide them';
    }
    throw err;
  }
}

/** Polls DescribeTable until the table and all its indexes are ACTIVE. */
export async function waitUntilActive(
  client: DynamoDBClient,
  name: string,
  options: WaitOptions = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    const pending = [
      ...(Table?.TableStatus === 'ACTIVE' ? [] : [`${name} is ${Table?.TableStatus ?? 'UNKNOWN'}`]),
      ...(Table?.GlobalSecondaryIndexes ?? [])
        .filter((i) => i.IndexStatus !== 'ACTIVE')
        .map((i) => `index ${i.IndexName} of ${name} is ${i.IndexStatus}`),
    ];
    if (pending.length === 0) return;
    options.onProgress?.(`waiting: ${pending.join(', ')}`);
    if (Date.now() > deadline) throw new ServiceError(`timed out waiting: ${pending.join(', ')}`);
    await sleep(options.pollMs ?? 250, options.signal);
  }
}

export interface DeleteTablesOptions extends WaitOptions {
  prefix: string;
  kinds?: readonly TableKind[];
  /** Wait until the tables are gone; default true. */
  wait?: boolean;
}

export async function deleteTables(
  client: DynamoDBClient,
  options: DeleteTablesOptions,
): Promise<Array<{ kind: TableKind; name: string; action: 'deleted' | 'missing' }>> {
  const results = [];
  for (const kind of options.kinds ?? TABLE_KINDS) {
    const name = tableName(options.prefix, kind);
    try {
      await client.send(new DeleteTableCommand({ TableName: name }));
      results.push({ kind, name, action: 'deleted' as const });
    } catch (err) {
      if (!isTableMissing(err)) throw err;
      results.push({ kind, name, action: 'missing' as const });
    }
  }
  if (options.wait !== false) {
    for (const r of results) if (r.action === 'deleted') await waitUntilGone(client, r.name, options);
  }
  return results;
}

async function waitUntilGone(client: DynamoDBClient, name: string, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  for (;;) {
    try {
      await client.send(new DescribeTableCommand({ TableName: name }));
    } catch (err) {
      if (isTableMissing(err)) return;
      throw err;
    }
    options.onProgress?.(`waiting for ${name} to be deleted`);
    if (Date.now() > deadline) throw new ServiceError(`timed out waiting for ${name} to be deleted`);
    await sleep(options.pollMs ?? 250, options.signal);
  }
}

/**
 * Counts a table's items with `Select: COUNT` pages (no item is transferred), stopping after `maxPages`
 * pages of 1 MB each. For the local target only, where DescribeTable's ItemCount is not maintained
 * (dynalite reports 0) and tables are small; the read side never does this.
 */
export async function countItems(
  client: DynamoDBClient,
  table: string,
  maxPages = 50,
): Promise<{ count: number; complete: boolean }> {
  let count = 0;
  let startKey: Record<string, AttributeValue> | undefined;
  for (let page = 0; page < maxPages; page += 1) {
    const result = await client.send(
      new ScanCommand({ TableName: table, Select: 'COUNT', ExclusiveStartKey: startKey }),
    );
    count += result.Count ?? 0;
    startKey = result.LastEvaluatedKey;
    if (!startKey) return { count, complete: true };
  }
  return { count, complete: false };
}
