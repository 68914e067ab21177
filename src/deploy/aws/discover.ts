import { DescribeTableCommand, ListTagsOfResourceCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  DescribeSecurityGroupsCommand,
  DescribeVolumesCommand,
} from '@aws-sdk/client-ec2';
import {
  ListInstanceProfilesCommand,
  ListInstanceProfileTagsCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
} from '@aws-sdk/client-iam';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { ListSecretsCommand } from '@aws-sdk/client-secrets-manager';
import { awsErrorName, type AwsClients } from '../../clients/aws.js';
import { LIVE_STATES } from './observe.js';
import { IAM_PATH, STACK_TAG, tagMap } from './stack-spec.js';

/**
 * Finds a stack's resources by tag, without the local record: the Resource Groups Tagging API for
 * everything it indexes, and per-service describes with tag filters (which also confirm that a
 * resource the Tagging API still lists is really there; it lags behind deletions). IAM is global and not
 * region-scoped, so roles and instance profiles are listed under citystream's IAM path and their tags read.
 */

export type FoundKind =
  | 'instance'
  | 'volume'
  | 'security-group'
  | 'key-pair'
  | 'instance-profile'
  | 'iam-role'
  | 'secret'
  | 'table';

export interface FoundResource {
  kind: FoundKind;
  /** What the delete call takes: instance id, group id, key name, profile/role name, secret ARN, table name. */
  id: string;
  name: string;
  state?: string;
  /** For instance profiles: the roles in it. For instances: the public address. */
  detail?: string;
}

export interface FoundStack {
  stack: string;
  resources: FoundResource[];
  /** Tagged ARNs the Tagging API lists that no describe confirmed (already being deleted, or a kind citystream does not make). */
  unconfirmed: string[];
}

/** The order teardown deletes in: what depends on something comes before it. */
export const DELETE_ORDER: readonly FoundKind[] = [
  'instance',
  'volume',
  'security-group',
  'key-pair',
  'instance-profile',
  'iam-role',
  'secret',
  'table',
];

export async function discoverStack(
  clients: AwsClients,
  stack: string,
  tableNames: readonly string[],
): Promise<FoundStack> {
  const tagFilter = [{ Name: `tag:${STACK_TAG}`, Values: [stack] }];
  const [arns, instances, volumes, groups, keys, profiles, roles, secrets, tables] = await Promise.all([
    taggedArns(clients, [stack]),
    clients.ec2.send(
      new DescribeInstancesCommand({
        Filters: [...tagFilter, { Name: 'instance-state-name', Values: LIVE_STATES.concat('shutting-down') }],
      }),
    ),
    clients.ec2.send(new DescribeVolumesCommand({ Filters: tagFilter })),
    clients.ec2.send(new DescribeSecurityGroupsCommand({ Filters: tagFilter })),
    clients.ec2.send(new DescribeKeyPairsCommand({ Filters: tagFilter })),
    iamProfiles(clients, stack),
    iamRoles(clients, stack),
    stackSecrets(clients, stack),
    stackTables(clients, stack, tableNames, []),
  ]);
  const found: FoundResource[] = [
    ...(instances.Reservations ?? [])
      .flatMap((r) => r.Instances ?? [])
      .map((i) => ({
        kind: 'instance' as const,
        id: i.InstanceId ?? '',
        name: tagMap(i.Tags).Name ?? i.InstanceId ?? '',
        state: i.State?.Name,
        detail: i.PublicIpAddress,
      })),
    ...(volumes.Volumes ?? [])
      .filter((v) => v.State !== 'deleted')
      .map((v) => ({
        kind: 'volume' as const,
        id: v.VolumeId ?? '',
        name: v.VolumeId ?? '',
        state: v.State,
      })),
    ...(groups.SecurityGroups ?? []).map((g) => ({
      kind: 'security-group' as const,
      id: g.GroupId ?? '',
      name: g.GroupName ?? '',
    })),
    ...(keys.KeyPairs ?? []).map((k) => ({
      kind: 'key-pair' as const,
      id: k.KeyName ?? '',
      name: k.KeyName ?? '',
      detail: k.KeyPairId,
    })),
    ...profiles,
    ...roles,
    ...secrets,
  ];
  // Tables the Tagging API knows of under other names (a different --prefix) are the stack's too.
  const extraTables = arns
    .filter((a) => a.includes(':dynamodb:') && a.includes(':table/'))
    .map((a) => a.split(':table/')[1]!);
  const moreTables = await stackTables(
    clients,
    stack,
    extraTables.filter((n) => !tableNames.includes(n)),
    tables,
  );
  found.push(...tables, ...moreTables);
  const ids = new Set(found.flatMap((r) => [r.id, r.name, r.detail ?? '']));
  const unconfirmed = arns.filter((arn) => ![...ids].some((id) => id && arnNames(arn, id)));
  found.sort((a, b) => DELETE_ORDER.indexOf(a.kind) - DELETE_ORDER.indexOf(b.kind));
  return { stack, resources: found, unconfirmed };
}

function arnNames(arn: string, id: string): boolean {
  return arn === id || arn.endsWith(`/${id}`) || arn.endsWith(`:${id}`) || arn.includes(`:secret:${id}-`);
}

/** ARNs tagged citystream:stack with one of `stacks` (or any value when `stacks` is empty), with their stack. */
export async function taggedResources(
  clients: AwsClients,
  stacks: string[],
): Promise<Array<{ arn: string; stack: string }>> {
  const out: Array<{ arn: string; stack: string }> = [];
  let token: string | undefined;
  do {
    const page = await clients.tagging.send(
      new GetResourcesCommand({
        TagFilters: [{ Key: STACK_TAG, ...(stacks.length > 0 ? { Values: stacks } : {}) }],
        ...(token ? { PaginationToken: token } : {}),
      }),
    );
    for (const m of page.ResourceTagMappingList ?? []) {
      if (m.ResourceARN) out.push({ arn: m.ResourceARN, stack: tagMap(m.Tags)[STACK_TAG] ?? '' });
    }
    token = page.PaginationToken || undefined;
  } while (token);
  return out;
}

async function taggedArns(clients: AwsClients, stacks: string[]): Promise<string[]> {
  return (await taggedResources(clients, stacks)).map((r) => r.arn);
}

async function iamRoles(clients: AwsClients, stack: string | undefined): Promise<FoundResource[]> {
  const found: FoundResource[] = [];
  let marker: string | undefined;
  do {
    const page = await clients.iam.send(
      new ListRolesCommand({ PathPrefix: IAM_PATH, ...(marker ? { Marker: marker } : {}) }),
    );
    for (const role of page.Roles ?? []) {
      const { Tags } = await clients.iam.send(new ListRoleTagsCommand({ RoleName: role.RoleName }));
      const owner = tagMap(Tags)[STACK_TAG];
      if (owner !== undefined && (stack === undefined || owner === stack)) {
        found.push({ kind: 'iam-role', id: role.RoleName ?? '', name: role.RoleName ?? '', detail: owner });
      }
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return found;
}

async function iamProfiles(clients: AwsClients, stack: string): Promise<FoundResource[]> {
  const found: FoundResource[] = [];
  let marker: string | undefined;
  do {
    const page = await clients.iam.send(
      new ListInstanceProfilesCommand({ PathPrefix: IAM_PATH, ...(marker ? { Marker: marker } : {}) }),
    );
    for (const p of page.InstanceProfiles ?? []) {
      const { Tags } = await clients.iam.send(
        new ListInstanceProfileTagsCommand({ InstanceProfileName: p.InstanceProfileName }),
      );
      if (tagMap(Tags)[STACK_TAG] === stack) {
        const name = p.InstanceProfileName ?? '';
        found.push({
          kind: 'instance-profile',
          id: name,
          name,
          detail: (p.Roles ?? []).map((r) => r.RoleName).join(','),
        });
      }
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return found;
}

async function stackSecrets(clients: AwsClients, stack: string): Promise<FoundResource[]> {
  const found: FoundResource[] = [];
  let token: string | undefined;
  do {
    const page = await clients.secrets.send(
      new ListSecretsCommand({
        Filters: [
          { Key: 'tag-key', Values: [STACK_TAG] },
          { Key: 'tag-value', Values: [stack] },
        ],
        IncludePlannedDeletion: true,
        ...(token ? { NextToken: token } : {}),
      }),
    );
    for (const s of page.SecretList ?? []) {
      if (tagMap(s.Tags)[STACK_TAG] !== stack || !s.ARN) continue;
      found.push({
        kind: 'secret',
        id: s.ARN,
        name: s.Name ?? s.ARN,
        state: s.DeletedDate ? 'scheduled for deletion' : 'active',
      });
    }
    token = page.NextToken;
  } while (token);
  return found;
}

/**
 * The stack's tables: those tagged for it, and those with its names that carry no stack tag at all (a
 * deploy stopped between CreateTable and TagResource). A table tagged for another stack is not ours.
 */
async function stackTables(
  clients: AwsClients,
  stack: string,
  names: readonly string[],
  already: readonly FoundResource[],
): Promise<FoundResource[]> {
  const found: FoundResource[] = [];
  for (const name of names) {
    if (already.some((t) => t.id === name)) continue;
    const described = await clients.dynamo
      .send(new DescribeTableCommand({ TableName: name }))
      .catch((err: unknown) => {
        if (awsErrorName(err) === 'ResourceNotFoundException') return undefined;
        throw err;
      });
    const table = described?.Table;
    if (!table?.TableArn || table.TableStatus === 'DELETING') continue;
    const { Tags } = await clients.dynamo.send(
      new ListTagsOfResourceCommand({ ResourceArn: table.TableArn }),
    );
    const owner = tagMap(Tags)[STACK_TAG];
    if (owner === undefined || owner === stack)
      found.push({ kind: 'table', id: name, name, state: table.TableStatus });
  }
  return found;
}

/** Every citystream stack in the region (by tag) and in IAM (by path and tag), with its resource count. */
export async function listStacks(
  clients: AwsClients,
): Promise<Array<{ stack: string; resources: number; kinds: string[] }>> {
  const [tagged, roles] = await Promise.all([taggedResources(clients, []), iamRoles(clients, undefined)]);
  const byStack = new Map<string, { resources: number; kinds: Set<string> }>();
  const add = (stack: string, kind: string) => {
    const entry = byStack.get(stack) ?? { resources: 0, kinds: new Set<string>() };
    entry.resources += 1;
    entry.kinds.add(kind);
    byStack.set(stack, entry);
  };
  for (const r of tagged) add(r.stack, arnKind(r.arn));
  for (const r of roles) add(r.detail ?? '', 'iam-role');
  return [...byStack.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([stack, e]) => ({ stack, resources: e.resources, kinds: [...e.kinds].sort() }));
}

/** `ec2:instance`, `dynamodb:table`, … from an ARN. */
export function arnKind(arn: string): string {
  const [, , service, , , resource = ''] = arn.split(':');
  const type = resource.includes('/') ? resource.split('/')[0] : resource;
  return `${service}:${type}`;
}
