import { createRequire } from 'node:module';
import { UserError } from '../../errors.js';
import { TABLE_KINDS, tableName, type BillingMode, type TableKind } from '../../store/table-definitions.js';

/**
 * What one stack on AWS is made of, as data: the names of its resources, its tags and the settings the
 * instance runs with. Pure; `plan.ts` compares it with what exists.
 */

export const STACK_TAG = 'citystream:stack';
export const VERSION_TAG = 'citystream:version';
/** IAM roles and instance profiles live under this path, so teardown can list them without the record. */
export const IAM_PATH = '/citystream/';
export const SSH_PORT = 22;
export const SSH_USER = 'ec2-user';
/** Amazon Linux 2023's root device: the block device mapping that makes it gp3 and encrypted. */
export const ROOT_DEVICE = '/dev/xvda';
export const ROOT_VOLUME_GB = 20;
/** The public SSM parameter holding the current Amazon Linux 2023 AMI id of a region. */
export const AL2023_PARAMETER = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64';
/** The script (installed by user-data) that puts the stack's secret into the environment and execs. */
export const SECRET_LAUNCHER = '/usr/local/bin/citystream-with-secrets';

export const INSTANCE_TYPES = ['t3.micro', 't3.small', 't3.medium', 't3.large'] as const;
export type KafkaMode = 'embedded' | 'apache' | 'external';

export interface StackOptions {
  name: string;
  region: string;
  /** The configured table prefix (`citystream-`); the stack's tables are `<prefix><stack>-<kind>`. */
  prefix: string;
  allowCidr: string;
  instanceType: string;
  kafka: KafkaMode;
  /** Bootstrap brokers when Kafka is external (`--brokers`). */
  brokers: string[];
  /** Events per second the producer on the instance sends; 0 with --no-producer. */
  rate: number;
  producer: boolean;
  apiPort: number;
  billingMode: BillingMode;
  version?: string;
  /**
   * The processor's raw archive (`--archive`, a parsed target's URL): `s3://bucket/prefix` (the instance
   * role may list, write and delete there and nowhere else) or `file:///dir` on the instance's disk.
   */
  archive?: string;
}

export interface DesiredStack extends Required<Omit<StackOptions, 'archive'>> {
  archive?: string;
  tags: Record<string, string>;
  tablePrefix: string;
  tables: Array<{ kind: TableKind; name: string }>;
  roleName: string;
  policyName: string;
  instanceProfileName: string;
  keyName: string;
  securityGroupName: string;
  secretName: string;
  instanceName: string;
  /** Ingress the security group must have: exactly these, nothing else. */
  ingress: IngressRule[];
}

export interface IngressRule {
  protocol: 'tcp';
  port: number;
  cidr: string;
}

const STACK_NAME = /^[a-z][a-z0-9-]{0,23}$/;

export function validateStackName(name: string): string {
  if (!STACK_NAME.test(name)) {
    throw new UserError(`invalid stack name "${name}"`, {
      hint: 'use 1-24 lower-case letters, digits and dashes, starting with a letter (e.g. --stack demo)',
    });
  }
  return name;
}

export function packageVersion(): string {
  // src/deploy/aws and dist/deploy/aws are both three levels below the package root.
  const require = createRequire(import.meta.url);
  return (require('../../../package.json') as { version: string }).version;
}

export function desiredStack(options: StackOptions): DesiredStack {
  const name = validateStackName(options.name);
  const version = options.version ?? packageVersion();
  const base = `citystream-${name}`;
  const tablePrefix = `${options.prefix}${name}-`;
  return {
    ...options,
    version,
    name,
    tags: { [STACK_TAG]: name, [VERSION_TAG]: version },
    tablePrefix,
    tables: TABLE_KINDS.map((kind) => ({ kind, name: tableName(tablePrefix, kind) })),
    roleName: base,
    policyName: 'citystream-services',
    instanceProfileName: base,
    keyName: base,
    securityGroupName: base,
    secretName: `citystream/${name}`,
    instanceName: base,
    ingress: [
      { protocol: 'tcp', port: SSH_PORT, cidr: options.allowCidr },
      { protocol: 'tcp', port: options.apiPort, cidr: options.allowCidr },
    ],
  };
}

/** `Key=…,Value=…` pairs, the shape EC2, IAM, Secrets Manager and DynamoDB all take. */
export function tagList(tags: Record<string, string>): Array<{ Key: string; Value: string }> {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export function tagMap(
  tags: ReadonlyArray<{ Key?: string; Value?: string }> | undefined,
): Record<string, string> {
  const map: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key !== undefined) map[t.Key] = t.Value ?? '';
  return map;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Checks an IPv4 CIDR; `0.0.0.0/0` (and any /0) only with --allow-any. */
export function validateCidr(cidr: string, allowAny: boolean): string {
  const m = CIDR.exec(cidr.trim());
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) {
    throw new UserError(`--allow-cidr: "${cidr}" is not an IPv4 CIDR`, {
      hint: 'give an address range such as 203.0.113.7/32',
    });
  }
  if (Number(m[5]) === 0 && !allowAny) {
    throw new UserError(`--allow-cidr ${cidr} would open SSH and the API to the whole internet`, {
      hint: 'give your own address (e.g. 203.0.113.7/32), or add --allow-any if you really mean it',
    });
  }
  return cidr.trim();
}
