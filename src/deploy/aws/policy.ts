import { parseArchiveTarget } from '../../processor/archive/target.js';
import { INDEX, type TableKind } from '../../store/table-definitions.js';
import type { DesiredStack } from './stack-spec.js';

/**
 * The stack's IAM documents, pure. The instance role may do exactly what the services on the instance
 * do: the processor writes (BatchWriteItem, PutItem, UpdateItem; its claims' TransactWriteItems has no
 * action of its own: each Put in it is allowed by dynamodb:PutItem) and restores window state (GetItem,
 * BatchGetItem, Query); the API reads (Query, GetItem, BatchGetItem) and checks a table at start-up
 * (DescribeTable). Every statement names the stack's own table and index ARNs and its one secret; no
 * statement has a `*` resource but the archive's objects under its own prefix (`--archive s3://…`).
 * Embedded and Apache Kafka run on the instance itself and external
 * brokers authenticate with the credentials in the secret, so `--kafka` adds no AWS permission.
 */

export const PROCESSOR_ACTIONS = [
  'dynamodb:BatchWriteItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
] as const;

export const API_ACTIONS = [
  'dynamodb:Query',
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:DescribeTable',
] as const;

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string[]>>;
}

/**
 * What the raw archive does in its bucket (src/processor/archive/s3-store.ts): it lists the keys under its
 * prefix (the pending hours of a partition on assignment, and once at start), writes objects (a multipart
 * upload for large ones, which it aborts on failure) and deletes the objects a replay writes again.
 */
export const ARCHIVE_OBJECT_ACTIONS = ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'] as const;

/** The archive's statements: listing only under its prefix, object actions only on its keys. */
export function archiveStatements(archive: string | undefined): PolicyStatement[] {
  const target = archive === undefined ? undefined : parseArchiveTarget(archive);
  if (target?.kind !== 's3') return [];
  const { bucket } = target;
  // Keys are `<prefix>/<topic>/dt=…` (s3-store joins with "/"), so the grant ends at that slash.
  const keys = target.prefix ? `${target.prefix}/` : '';
  return [
    {
      Sid: 'ArchiveList',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [`arn:aws:s3:::${bucket}`],
      ...(keys ? { Condition: { StringLike: { 's3:prefix': [`${keys}*`] } } } : {}),
    },
    {
      Sid: 'ArchiveObjects',
      Effect: 'Allow',
      Action: [...ARCHIVE_OBJECT_ACTIONS],
      Resource: [`arn:aws:s3:::${bucket}/${keys}*`],
    },
  ];
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** What the policy needs to name: the account's table ARNs (from DescribeTable) and the secret's ARN. */
export interface PolicyArns {
  tables: Partial<Record<TableKind, string>>;
  secret?: string;
}

const INDEXES: Record<TableKind, string[]> = {
  'raw-events': [INDEX.rawEventsByCity],
  aggregations: [INDEX.aggregationsByDay],
  alerts: [INDEX.alertsByDay],
  rollups: [],
};

/** Placeholders for ARNs that do not exist yet (a dry run on an empty account). */
export function placeholderArns(stack: DesiredStack): Required<PolicyArns> {
  const tables: Partial<Record<TableKind, string>> = {};
  for (const t of stack.tables) tables[t.kind] = `arn:aws:dynamodb:${stack.region}:<account>:table/${t.name}`;
  return {
    tables,
    secret: `arn:aws:secretsmanager:${stack.region}:<account>:secret:${stack.secretName}-<suffix>`,
  };
}

export function tableAndIndexArns(stack: DesiredStack, arns: PolicyArns): string[] {
  const fallback = placeholderArns(stack);
  return stack.tables.flatMap((t) => {
    const arn = arns.tables[t.kind] ?? fallback.tables[t.kind]!;
    return [arn, ...INDEXES[t.kind].map((index) => `${arn}/index/${index}`)];
  });
}

export function servicesPolicy(stack: DesiredStack, arns: PolicyArns): PolicyDocument {
  const resources = tableAndIndexArns(stack, arns);
  const actions = [...new Set<string>([...PROCESSOR_ACTIONS, ...API_ACTIONS])].sort();
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'StackTables', Effect: 'Allow', Action: actions, Resource: resources },
      {
        Sid: 'StackSecret',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: [arns.secret ?? placeholderArns(stack).secret],
      },
      ...archiveStatements(stack.archive),
    ],
  };
}

/** Only EC2 may assume the role. */
export const EC2_TRUST_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
} as const;

/**
 * Two policy documents are the same when they grant the same thing: statement order, action order and
 * resource order do not matter, and a single string equals a one-element list (IAM returns either).
 */
export function samePolicy(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));
}

function normalise(doc: unknown): unknown {
  const d = doc as { Statement?: unknown } | null;
  const list = Array.isArray(d?.Statement) ? d.Statement : d?.Statement ? [d.Statement] : [];
  return list
    .map((s: Record<string, unknown>) => {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(s).sort()) {
        if (key === 'Sid') continue;
        const v = s[key];
        out[key] = typeof v === 'string' && key !== 'Effect' ? [v] : Array.isArray(v) ? [...v].sort() : v;
      }
      return JSON.stringify(out);
    })
    .sort();
}
