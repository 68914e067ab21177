import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ListTagsOfResourceCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import {
  GetInstanceProfileCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { awsErrorName, type AwsClients } from '../../clients/aws.js';
import { TTL_KINDS } from '../../store/table-definitions.js';
import type {
  ObservedInstance,
  ObservedRole,
  ObservedSecurityGroup,
  ObservedStack,
  ObservedTable,
} from './observed.js';
import { AL2023_PARAMETER, STACK_TAG, tagMap, type DesiredStack, type IngressRule } from './stack-spec.js';

/**
 * Reads what exists of a stack, by its names and tags: the plan's second input. Only Describe/Get/List
 * calls; a missing resource is `undefined`, never an error.
 */
export async function observeStack(
  clients: AwsClients,
  stack: DesiredStack,
  localKey: boolean,
): Promise<ObservedStack> {
  const vpcId = await defaultVpc(clients);
  const [tables, secret, role, instanceProfile, keyPair, securityGroup, instance, imageId] =
    await Promise.all([
      Promise.all(stack.tables.map((t) => observeTable(clients, t.kind, t.name))),
      observeSecret(clients, stack.secretName),
      observeRole(clients, stack.roleName),
      observeInstanceProfile(clients, stack.instanceProfileName),
      observeKeyPair(clients, stack.keyName),
      vpcId ? observeSecurityGroup(clients, stack.securityGroupName, vpcId) : undefined,
      observeInstance(clients, stack.name),
      currentImage(clients),
    ]);
  return {
    readable: true,
    tables: tables.filter((t): t is ObservedTable => t !== undefined),
    secret,
    role,
    instanceProfile,
    keyPair,
    localKey,
    securityGroup,
    instance,
    vpcId,
    imageId,
  };
}

const notFound = (names: string[]) => (err: unknown) => {
  if (names.includes(awsErrorName(err))) return undefined;
  throw err;
};

async function observeTable(
  clients: AwsClients,
  kind: ObservedTable['kind'],
  name: string,
): Promise<ObservedTable | undefined> {
  const described = await clients.dynamo
    .send(new DescribeTableCommand({ TableName: name }))
    .catch(notFound(['ResourceNotFoundException']));
  const table = described?.Table;
  if (!table) return undefined;
  const arn = table.TableArn;
  const tags = arn
    ? (await clients.dynamo.send(new ListTagsOfResourceCommand({ ResourceArn: arn }))).Tags
    : [];
  let ttlEnabled: boolean | undefined;
  if (TTL_KINDS.includes(kind)) {
    const ttl = await clients.dynamo.send(new DescribeTimeToLiveCommand({ TableName: name }));
    const status = ttl.TimeToLiveDescription?.TimeToLiveStatus;
    ttlEnabled = status === 'ENABLED' || status === 'ENABLING';
  }
  return { kind, name, arn, status: table.TableStatus ?? 'UNKNOWN', tags: tagMap(tags), ttlEnabled };
}

async function observeSecret(clients: AwsClients, name: string) {
  const s = await clients.secrets
    .send(new DescribeSecretCommand({ SecretId: name }))
    .catch(notFound(['ResourceNotFoundException']));
  if (!s?.ARN) return undefined;
  return { name, arn: s.ARN, tags: tagMap(s.Tags), deletedDate: s.DeletedDate };
}

async function observeRole(clients: AwsClients, name: string): Promise<ObservedRole | undefined> {
  const r = await clients.iam
    .send(new GetRoleCommand({ RoleName: name }))
    .catch(notFound(['NoSuchEntity', 'NoSuchEntityException']));
  if (!r?.Role?.Arn) return undefined;
  const [names, attached] = await Promise.all([
    clients.iam.send(new ListRolePoliciesCommand({ RoleName: name })),
    clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name })),
  ]);
  const inlinePolicies: Record<string, unknown> = {};
  for (const policyName of names.PolicyNames ?? []) {
    const p = await clients.iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policyName }));
    inlinePolicies[policyName] = parsePolicy(p.PolicyDocument);
  }
  return {
    name,
    arn: r.Role.Arn,
    tags: tagMap(r.Role.Tags),
    inlinePolicies,
    attachedPolicies: (attached.AttachedPolicies ?? []).map((a) => a.PolicyArn ?? ''),
  };
}

/** IAM returns policy documents URL-encoded. */
export function parsePolicy(document: string | undefined): unknown {
  if (!document) return undefined;
  try {
    return JSON.parse(decodeURIComponent(document));
  } catch {
    return JSON.parse(document);
  }
}

async function observeInstanceProfile(clients: AwsClients, name: string) {
  const p = await clients.iam
    .send(new GetInstanceProfileCommand({ InstanceProfileName: name }))
    .catch(notFound(['NoSuchEntity', 'NoSuchEntityException']));
  const profile = p?.InstanceProfile;
  if (!profile?.Arn) return undefined;
  return {
    name,
    arn: profile.Arn,
    tags: tagMap(profile.Tags),
    roles: (profile.Roles ?? []).map((r) => r.RoleName ?? ''),
  };
}

async function observeKeyPair(clients: AwsClients, name: string) {
  const { KeyPairs } = await clients.ec2.send(
    new DescribeKeyPairsCommand({ Filters: [{ Name: 'key-name', Values: [name] }] }),
  );
  const key = KeyPairs?.[0];
  return key ? { name, id: key.KeyPairId, tags: tagMap(key.Tags) } : undefined;
}

async function observeSecurityGroup(
  clients: AwsClients,
  name: string,
  vpcId: string,
): Promise<ObservedSecurityGroup | undefined> {
  const { SecurityGroups } = await clients.ec2.send(
    new DescribeSecurityGroupsCommand({
      Filters: [
        { Name: 'group-name', Values: [name] },
        { Name: 'vpc-id', Values: [vpcId] },
      ],
    }),
  );
  const g = SecurityGroups?.[0];
  if (!g?.GroupId) return undefined;
  return {
    id: g.GroupId,
    name,
    vpcId: g.VpcId,
    tags: tagMap(g.Tags),
    ...splitIngress(g.IpPermissions ?? []),
  };
}

/** Plain TCP-port-from-IPv4-range rules, which the plan compares; everything else is listed to revoke. */
export function splitIngress(permissions: IpPermission[]): {
  ingress: IngressRule[];
  otherIngress: string[];
  otherPermissions: IpPermission[];
} {
  const ingress: IngressRule[] = [];
  const otherIngress: string[] = [];
  const otherPermissions: IpPermission[] = [];
  for (const p of permissions) {
    const plain =
      p.IpProtocol === 'tcp' &&
      p.FromPort !== undefined &&
      p.FromPort === p.ToPort &&
      !p.Ipv6Ranges?.length &&
      !p.UserIdGroupPairs?.length &&
      !p.PrefixListIds?.length;
    if (plain) {
      for (const r of p.IpRanges ?? [])
        if (r.CidrIp) ingress.push({ protocol: 'tcp', port: p.FromPort!, cidr: r.CidrIp });
      continue;
    }
    otherPermissions.push(p);
    const ports = p.FromPort === p.ToPort ? `${p.FromPort ?? 'all'}` : `${p.FromPort}-${p.ToPort}`;
    const from = [
      ...(p.IpRanges ?? []).map((r) => r.CidrIp),
      ...(p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6),
      ...(p.UserIdGroupPairs ?? []).map((g) => g.GroupId),
      ...(p.PrefixListIds ?? []).map((l) => l.PrefixListId),
    ].join(',');
    otherIngress.push(`${ports}/${p.IpProtocol === '-1' ? 'all' : p.IpProtocol} from ${from}`);
  }
  return { ingress, otherIngress, otherPermissions };
}

export const LIVE_STATES = ['pending', 'running', 'stopping', 'stopped'];

async function observeInstance(clients: AwsClients, stack: string): Promise<ObservedInstance | undefined> {
  const { Reservations } = await clients.ec2.send(
    new DescribeInstancesCommand({
      Filters: [
        { Name: `tag:${STACK_TAG}`, Values: [stack] },
        { Name: 'instance-state-name', Values: LIVE_STATES },
      ],
    }),
  );
  const i = (Reservations ?? []).flatMap((r) => r.Instances ?? [])[0];
  if (!i?.InstanceId) return undefined;
  return {
    id: i.InstanceId,
    state: i.State?.Name ?? 'unknown',
    type: i.InstanceType ?? 'unknown',
    tags: tagMap(i.Tags),
    publicIp: i.PublicIpAddress,
    httpTokens: i.MetadataOptions?.HttpTokens,
    hopLimit: i.MetadataOptions?.HttpPutResponseHopLimit,
    securityGroupIds: (i.SecurityGroups ?? []).map((g) => g.GroupId ?? ''),
    instanceProfileArn: i.IamInstanceProfile?.Arn,
    keyName: i.KeyName,
  };
}

async function defaultVpc(clients: AwsClients): Promise<string | undefined> {
  const { Vpcs } = await clients.ec2.send(
    new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }),
  );
  return Vpcs?.[0]?.VpcId;
}

async function currentImage(clients: AwsClients): Promise<string | undefined> {
  const { Parameter } = await clients.ssm.send(new GetParameterCommand({ Name: AL2023_PARAMETER }));
  return Parameter?.Value;
}
