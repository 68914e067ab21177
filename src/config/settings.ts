/** Every setting citystream reads, with its environment variable, default and validation, as data. */
/** `duration`: milliseconds, written as `60s`, `500ms`, `1h30m` (a bare number is milliseconds). */
export type SettingType = 'string' | 'int' | 'number' | 'duration' | 'enum' | 'list' | 'url';

export interface SettingDefinition {
  key: string;
  type: SettingType;
  description: string;
  default?: unknown;
  choices?: readonly string[];
  min?: number;
  max?: number;
  /** Never shown (`citystream config` prints "(set)"), and never offered as a flag: it would sit in argv. */
  secret?: boolean;
}

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

export const settings = [
  {
    key: 'target',
    type: 'enum',
    choices: ['local', 'aws'],
    default: 'local',
    description: 'where the pipeline runs: embedded engines or AWS',
  },
  { key: 'region', type: 'string', default: 'us-east-2', description: 'AWS region (aws target)' },
  { key: 'profile', type: 'string', description: 'AWS shared-config profile (aws target)' },
  {
    key: 'endpoint',
    type: 'url',
    description: 'DynamoDB endpoint URL; defaults to the embedded one on the local target',
  },
  { key: 'prefix', type: 'string', default: 'citystream-', description: 'prefix of every table name' },
  {
    key: 'brokers',
    type: 'list',
    default: ['127.0.0.1:9092'],
    description: 'Kafka bootstrap brokers (host:port, comma-separated)',
  },
  { key: 'topic', type: 'string', default: 'city-events', description: 'the events topic' },
  { key: 'dlqTopic', type: 'string', default: 'city-events.dlq', description: 'the dead-letter topic' },
  {
    key: 'group',
    type: 'string',
    default: 'citystream-processor',
    description: 'the processor consumer group',
  },
  {
    key: 'sessionTimeoutMs',
    type: 'int',
    min: 6_000,
    max: 1_800_000,
    default: 30_000,
    description:
      'consumer-group session timeout in ms: how long a member that stopped heartbeating (killed) keeps its partitions',
  },
  {
    key: 'heartbeatIntervalMs',
    type: 'int',
    min: 100,
    max: 600_000,
    default: 3_000,
    description: 'how often a group member heartbeats, in ms (below a third of the session timeout)',
  },
  {
    key: 'dataDir',
    type: 'string',
    default: '.citystream',
    description: 'where the embedded engines keep their data',
  },
  {
    key: 'dynamoPort',
    type: 'int',
    min: 1,
    max: 65535,
    default: 8000,
    description: 'port of the embedded DynamoDB endpoint',
  },
  {
    key: 'brokerPort',
    type: 'int',
    min: 0,
    max: 65535,
    default: 9092,
    description: 'port of the embedded broker',
  },
  { key: 'apiHost', type: 'string', default: '127.0.0.1', description: 'address the REST API listens on' },
  { key: 'apiPort', type: 'int', min: 0, max: 65535, default: 8082, description: 'port of the REST API' },
  {
    key: 'apiToken',
    type: 'string',
    secret: true,
    description: 'bearer token the REST API requires on every route but health (unset: no token)',
  },
  {
    key: 'partitions',
    type: 'int',
    min: 1,
    max: 1000,
    default: 6,
    description: 'partitions of auto-created topics',
  },
  {
    key: 'windowMinutes',
    type: 'number',
    min: 0.01,
    max: 1440,
    default: 5,
    description: 'tumbling window size in minutes',
  },
  {
    key: 'watermarkMinutes',
    type: 'number',
    min: 0,
    max: 1440,
    default: 10,
    description: 'allowed lateness (watermark delay) in minutes',
  },
  {
    key: 'ttlDays',
    type: 'int',
    min: 1,
    max: 3650,
    default: 30,
    description: 'days raw events and alerts are kept',
  },
  {
    key: 'dedupeHorizonHours',
    type: 'number',
    min: 0,
    max: 87_600,
    description:
      'hours after its event time that an event_id counts once (copies dropped); default the raw TTL (ttl-days × 24); 0 turns de-duplication off',
  },
  {
    key: 'dedupeClaims',
    type: 'enum',
    choices: ['transaction', 'single'],
    default: 'transaction',
    description:
      'how event_id claims are written: transaction (up to 100 per TransactWriteItems, 2 write units each on DynamoDB) or single (a conditional PutItem each, 1 write unit)',
  },
  {
    key: 'alertSeverities',
    type: 'list',
    choices: SEVERITIES,
    default: ['high', 'critical'],
    description: 'severities that raise an alert',
  },
  {
    key: 'workload',
    type: 'enum',
    choices: ['city', 'clickstream'],
    default: 'city',
    description: 'which pipeline: city events (DynamoDB) or the clickstream (PostgreSQL)',
  },
  {
    key: 'pgUrl',
    type: 'string',
    description:
      'PostgreSQL URL without the password (postgres://user@host:5432/db); the password comes from PGPASSWORD or .pgpass',
  },
  {
    key: 'pgSecret',
    type: 'string',
    description:
      'Secrets Manager secret (ARN or name) with the PostgreSQL host, port, dbname, username, password',
  },
  {
    key: 'archive',
    type: 'string',
    description:
      'raw archive of every consumed message as gzip NDJSON: file:///directory or s3://bucket/prefix (unset: no archive)',
  },
  {
    key: 'archiveMaxEvents',
    type: 'int',
    min: 1,
    max: 1_000_000,
    default: 10_000,
    description: 'an archive object holds at most this many messages',
  },
  {
    key: 'archiveMaxBytes',
    type: 'int',
    min: 1024,
    max: 1_073_741_824,
    default: 33_554_432,
    description: 'an archive object holds at most this many bytes of NDJSON (before gzip)',
  },
  {
    key: 'archiveMaxAge',
    type: 'duration',
    min: 100,
    max: 86_400_000,
    default: 60_000,
    description: "a partition's buffered messages are archived once the oldest has waited this long",
  },
  {
    key: 'billingMode',
    type: 'enum',
    choices: ['on-demand', 'provisioned'],
    default: 'on-demand',
    description: 'DynamoDB billing mode for created tables',
  },
] as const satisfies readonly SettingDefinition[];

export type SettingKey = (typeof settings)[number]['key'];

export interface Config {
  target: 'local' | 'aws';
  region: string;
  profile?: string;
  endpoint?: string;
  prefix: string;
  brokers: string[];
  topic: string;
  dlqTopic: string;
  group: string;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  dataDir: string;
  dynamoPort: number;
  brokerPort: number;
  apiHost: string;
  apiPort: number;
  apiToken?: string;
  partitions: number;
  windowMinutes: number;
  watermarkMinutes: number;
  ttlDays: number;
  /** Unset: the raw TTL (ttlDays × 24). */
  dedupeHorizonHours?: number;
  dedupeClaims: 'transaction' | 'single';
  alertSeverities: string[];
  billingMode: 'on-demand' | 'provisioned';
  workload: 'city' | 'clickstream';
  pgUrl?: string;
  pgSecret?: string;
  /** file:///dir or s3://bucket/prefix; unset: no archive. */
  archive?: string;
  archiveMaxEvents: number;
  archiveMaxBytes: number;
  /** Milliseconds. */
  archiveMaxAge: number;
}

/** CITYSTREAM_DLQ_TOPIC for dlqTopic. */
export function envName(key: string): string {
  return `CITYSTREAM_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}
