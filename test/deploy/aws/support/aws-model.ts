/**
 * A stateful in-memory model of the few AWS calls citystream's control plane makes, built on
 * aws-sdk-client-mock: nothing here (no emulator, no account) can serve EC2, IAM, SSM, Secrets Manager
 * or the Tagging API, so the tests stub the SDK clients' `send` and answer from this model. DynamoDB's
 * control calls (CreateTable, DescribeTable, TTL, tags, DeleteTable) are modelled here too, so a whole
 * deploy → status → teardown runs against one consistent state. It models only what the deploy uses,
 * with AWS's documented behaviour where it matters to the code: instances go pending → running and
 * shutting-down → terminated over successive describes; a security group refuses deletion
 * (DependencyViolation) while an instance uses it, and for `dependencyViolationsAfterTerminate` more
 * attempts; a new instance profile is not usable by RunInstances for `profilePropagationFailures` calls.
 */
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  TagResourceCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateKeyPairCommand,
  CreateSecurityGroupCommand,
  DeleteKeyPairCommand,
  DeleteSecurityGroupCommand,
  DeleteVolumeCommand,
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  DescribeSecurityGroupsCommand,
  DescribeVolumesCommand,
  DescribeVpcsCommand,
  EC2Client,
  GetConsoleOutputCommand,
  ModifyInstanceMetadataOptionsCommand,
  RevokeSecurityGroupIngressCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  TerminateInstancesCommand,
  type Filter,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  DeleteInstanceProfileCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetInstanceProfileCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListInstanceProfilesCommand,
  ListInstanceProfilesForRoleCommand,
  ListInstanceProfileTagsCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
  PutRolePolicyCommand,
  RemoveRoleFromInstanceProfileCommand,
} from '@aws-sdk/client-iam';
import {
  GetResourcesCommand,
  ResourceGroupsTaggingAPIClient,
} from '@aws-sdk/client-resource-groups-tagging-api';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  ListSecretsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';

// The stubs answer plain objects; the typed views of aws-sdk-client-mock add nothing here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Stub = AwsStub<any, any, any>;
type Tags = Record<string, string>;
type TagList = Array<{ Key?: string; Value?: string }> | undefined;

export const ACCOUNT = '123456789012';
export const HOST_KEY = 'AAAAC3NzaC1lZDI1NTE5AAAAIMockHostKeyForTestsOnly0123456789abcdef';

export function awsError(name: string, message = name, status = 400): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

const toMap = (list: TagList): Tags =>
  Object.fromEntries((list ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
const toList = (tags: Tags) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

interface Table {
  name: string;
  arn: string;
  status: string;
  tags: Tags;
  ttl: boolean;
  describes: number;
}
interface Secret {
  name: string;
  arn: string;
  value: string;
  tags: Tags;
  deletedDate?: Date;
}
interface Role {
  name: string;
  arn: string;
  path: string;
  tags: Tags;
  policies: Map<string, string>;
  attached: string[];
}
interface Profile {
  name: string;
  arn: string;
  path: string;
  tags: Tags;
  roles: string[];
}
interface KeyPair {
  name: string;
  id: string;
  tags: Tags;
}
interface Group {
  id: string;
  name: string;
  vpcId: string;
  tags: Tags;
  permissions: IpPermission[];
}
interface Instance {
  id: string;
  state: string;
  type: string;
  tags: Tags;
  groupIds: string[];
  keyName?: string;
  profile?: string;
  httpTokens: string;
  hopLimit: number;
  publicIp: string;
  volumeId: string;
  userData?: string;
}
interface Volume {
  id: string;
  state: string;
  tags: Tags;
  encrypted: boolean;
  type: string;
  size: number;
}

export interface AwsModelOptions {
  region?: string;
  profilePropagationFailures?: number;
  dependencyViolationsAfterTerminate?: number;
  /** Whether the Tagging API indexes IAM roles (it does not in every partition; the code must not rely on it). */
  taggingIndexesIam?: boolean;
  /** Tables are ACTIVE at once (tests that do not exercise the wait). */
  instantTables?: boolean;
}

export class AwsModel {
  readonly region: string;
  readonly tables = new Map<string, Table>();
  readonly secrets = new Map<string, Secret>();
  readonly roles = new Map<string, Role>();
  readonly profiles = new Map<string, Profile>();
  readonly keyPairs = new Map<string, KeyPair>();
  readonly groups = new Map<string, Group>();
  readonly instances = new Map<string, Instance>();
  readonly volumes = new Map<string, Volume>();
  readonly vpcId = 'vpc-0default';
  imageId = 'ami-0al2023current';
  private seq = 0;
  private profileFailures: number;
  private readonly instantTables: boolean;
  private violations: number;
  /** Calls in order, as `Service.Command`, for order assertions. */
  readonly log: string[] = [];
  readonly ec2: Stub;
  readonly iam: Stub;
  readonly ssm: Stub;
  readonly secretsManager: Stub;
  readonly tagging: Stub;
  readonly dynamo: Stub;

  constructor(options: AwsModelOptions = {}) {
    this.region = options.region ?? 'us-east-2';
    this.profileFailures = options.profilePropagationFailures ?? 0;
    this.violations = options.dependencyViolationsAfterTerminate ?? 0;
    this.instantTables = options.instantTables ?? false;
    this.ec2 = mockClient(EC2Client) as unknown as Stub;
    this.iam = mockClient(IAMClient) as unknown as Stub;
    this.ssm = mockClient(SSMClient) as unknown as Stub;
    this.secretsManager = mockClient(SecretsManagerClient) as unknown as Stub;
    this.tagging = mockClient(ResourceGroupsTaggingAPIClient) as unknown as Stub;
    this.dynamo = mockClient(DynamoDBClient) as unknown as Stub;
    this.wireEc2();
    this.wireIam();
    this.wireOthers(options.taggingIndexesIam ?? false);
  }

  restore(): void {
    for (const m of [this.ec2, this.iam, this.ssm, this.secretsManager, this.tagging, this.dynamo])
      m.restore();
  }

  private id(prefix: string): string {
    this.seq += 1;
    return `${prefix}-${this.seq.toString(16).padStart(8, '0')}`;
  }

  private arn(service: string, resource: string, region = this.region): string {
    return `arn:aws:${service}:${region}:${ACCOUNT}:${resource}`;
  }

  // Registers a handler and logs the call; `on` typed loosely: the model answers plain objects.
  private handle(stub: Stub, service: string, command: unknown, fn: (input: never) => unknown) {
    const name = (command as { name: string }).name.replace(/Command$/, '');
    (stub as unknown as { on(c: unknown): { callsFake(f: (i: unknown) => unknown): void } })
      .on(command)
      .callsFake(async (input: unknown) => {
        this.log.push(`${service}.${name}`);
        return fn(input as never);
      });
  }

  /** Every live resource that carries citystream:stack (what teardown must leave at zero). */
  taggedResources(stack?: string): string[] {
    const has = (tags: Tags) =>
      'citystream:stack' in tags && (stack === undefined || tags['citystream:stack'] === stack);
    return [
      ...[...this.tables.values()].filter((t) => has(t.tags)).map((t) => t.arn),
      ...[...this.secrets.values()].filter((s) => has(s.tags)).map((s) => s.arn),
      ...[...this.roles.values()].filter((r) => has(r.tags)).map((r) => r.arn),
      ...[...this.profiles.values()].filter((p) => has(p.tags)).map((p) => p.arn),
      ...[...this.keyPairs.values()]
        .filter((k) => has(k.tags))
        .map((k) => this.arn('ec2', `key-pair/${k.id}`)),
      ...[...this.groups.values()]
        .filter((g) => has(g.tags))
        .map((g) => this.arn('ec2', `security-group/${g.id}`)),
      ...[...this.instances.values()]
        .filter((i) => i.state !== 'terminated' && has(i.tags))
        .map((i) => this.arn('ec2', `instance/${i.id}`)),
      ...[...this.volumes.values()].filter((v) => has(v.tags)).map((v) => this.arn('ec2', `volume/${v.id}`)),
    ];
  }

  consoleOutput(instance: Instance): string {
    return [
      '[    5.1] cloud-init[1234]: Generating public/private ed25519 key pair.',
      'ci-info: no authorized SSH keys fingerprints found for user root.',
      '-----BEGIN SSH HOST KEY KEYS-----',
      `ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYMockEcdsa= root@${instance.id}`,
      `ssh-ed25519 ${HOST_KEY} root@${instance.id}`,
      '-----END SSH HOST KEY KEYS-----',
      '',
    ].join('\n');
  }

  private matches(
    tags: Tags,
    filters: Filter[] | undefined,
    fields: Record<string, string | undefined>,
  ): boolean {
    return (filters ?? []).every((f) => {
      const values = f.Values ?? [];
      if (f.Name?.startsWith('tag:')) return values.includes(tags[f.Name.slice(4)] ?? '\u0000');
      if (f.Name === 'tag-key') return values.some((v) => v in tags);
      return values.includes(fields[f.Name ?? ''] ?? '\u0000');
    });
  }

  private instanceView(i: Instance) {
    return {
      InstanceId: i.id,
      State: { Name: i.state },
      InstanceType: i.type,
      Tags: toList(i.tags),
      PublicIpAddress: i.state === 'running' ? i.publicIp : undefined,
      MetadataOptions: { HttpTokens: i.httpTokens, HttpPutResponseHopLimit: i.hopLimit },
      SecurityGroups: i.groupIds.map((GroupId) => ({ GroupId })),
      IamInstanceProfile: i.profile ? { Arn: this.profiles.get(i.profile)?.arn } : undefined,
      KeyName: i.keyName,
    };
  }

  /** Each describe moves an instance one step along its lifecycle, as time does on AWS. */
  private advance(i: Instance): void {
    if (i.state === 'pending') i.state = 'running';
    else if (i.state === 'stopping') i.state = 'stopped';
    else if (i.state === 'shutting-down') {
      i.state = 'terminated';
      this.volumes.delete(i.volumeId);
    }
  }

  private wireEc2(): void {
    const ec2 = this.ec2;
    this.handle(ec2, 'EC2', DescribeVpcsCommand, () => ({ Vpcs: [{ VpcId: this.vpcId, IsDefault: true }] }));
    this.handle(ec2, 'EC2', DescribeKeyPairsCommand, (input: { Filters?: Filter[] }) => ({
      KeyPairs: [...this.keyPairs.values()]
        .filter((k) => this.matches(k.tags, input.Filters, { 'key-name': k.name }))
        .map((k) => ({ KeyName: k.name, KeyPairId: k.id, Tags: toList(k.tags) })),
    }));
    this.handle(
      ec2,
      'EC2',
      CreateKeyPairCommand,
      (input: { KeyName: string; TagSpecifications?: Array<{ Tags?: TagList }> }) => {
        if (this.keyPairs.has(input.KeyName)) throw awsError('InvalidKeyPair.Duplicate');
        const id = this.id('key');
        this.keyPairs.set(input.KeyName, {
          name: input.KeyName,
          id,
          tags: toMap(input.TagSpecifications?.[0]?.Tags),
        });
        return {
          KeyName: input.KeyName,
          KeyPairId: id,
          KeyMaterial: '-----BEGIN OPENSSH PRIVATE KEY-----\nmodel\n-----END OPENSSH PRIVATE KEY-----',
        };
      },
    );
    this.handle(ec2, 'EC2', DeleteKeyPairCommand, (input: { KeyName: string }) => {
      this.keyPairs.delete(input.KeyName);
      return {};
    });
    this.handle(
      ec2,
      'EC2',
      DescribeSecurityGroupsCommand,
      (input: { Filters?: Filter[]; GroupIds?: string[] }) => ({
        SecurityGroups: [...this.groups.values()]
          .filter(
            (g) =>
              (!input.GroupIds || input.GroupIds.includes(g.id)) &&
              this.matches(g.tags, input.Filters, { 'group-name': g.name, 'vpc-id': g.vpcId }),
          )
          .map((g) => ({
            GroupId: g.id,
            GroupName: g.name,
            VpcId: g.vpcId,
            Tags: toList(g.tags),
            IpPermissions: structuredClone(g.permissions),
          })),
      }),
    );
    this.handle(
      ec2,
      'EC2',
      CreateSecurityGroupCommand,
      (input: { GroupName: string; VpcId: string; TagSpecifications?: Array<{ Tags?: TagList }> }) => {
        if ([...this.groups.values()].some((g) => g.name === input.GroupName))
          throw awsError('InvalidGroup.Duplicate');
        const id = this.id('sg');
        this.groups.set(id, {
          id,
          name: input.GroupName,
          vpcId: input.VpcId,
          tags: toMap(input.TagSpecifications?.[0]?.Tags),
          permissions: [],
        });
        return { GroupId: id };
      },
    );
    this.handle(
      ec2,
      'EC2',
      AuthorizeSecurityGroupIngressCommand,
      (input: { GroupId: string; IpPermissions: IpPermission[] }) => {
        this.groups.get(input.GroupId)!.permissions.push(...structuredClone(input.IpPermissions));
        return { Return: true };
      },
    );
    this.handle(
      ec2,
      'EC2',
      RevokeSecurityGroupIngressCommand,
      (input: { GroupId: string; IpPermissions: IpPermission[] }) => {
        const g = this.groups.get(input.GroupId)!;
        for (const revoke of input.IpPermissions) {
          const cidrs = new Set((revoke.IpRanges ?? []).map((r) => r.CidrIp));
          g.permissions = g.permissions
            .map((p) =>
              p.IpProtocol === revoke.IpProtocol &&
              p.FromPort === revoke.FromPort &&
              p.ToPort === revoke.ToPort
                ? {
                    ...p,
                    IpRanges: (p.IpRanges ?? []).filter((r) => !cidrs.has(r.CidrIp)),
                    Ipv6Ranges: revoke.Ipv6Ranges?.length ? [] : p.Ipv6Ranges,
                  }
                : p,
            )
            .filter((p) => (p.IpRanges ?? []).length + (p.Ipv6Ranges ?? []).length > 0);
        }
        return { Return: true };
      },
    );
    this.handle(ec2, 'EC2', DeleteSecurityGroupCommand, (input: { GroupId: string }) => {
      const inUse = [...this.instances.values()].some(
        (i) => i.state !== 'terminated' && i.groupIds.includes(input.GroupId),
      );
      if (inUse) throw awsError('DependencyViolation', `resource ${input.GroupId} has a dependent object`);
      if (this.violations > 0) {
        this.violations -= 1;
        throw awsError('DependencyViolation', `resource ${input.GroupId} has a dependent object`);
      }
      if (!this.groups.delete(input.GroupId)) throw awsError('InvalidGroup.NotFound');
      return {};
    });
    this.handle(
      ec2,
      'EC2',
      RunInstancesCommand,
      (input: {
        InstanceType: string;
        KeyName: string;
        SecurityGroupIds: string[];
        IamInstanceProfile?: { Name?: string };
        MetadataOptions?: { HttpTokens?: string; HttpPutResponseHopLimit?: number };
        BlockDeviceMappings?: Array<{
          Ebs?: { Encrypted?: boolean; VolumeType?: string; VolumeSize?: number };
        }>;
        TagSpecifications?: Array<{ ResourceType?: string; Tags?: TagList }>;
        UserData?: string;
      }) => {
        const profile = input.IamInstanceProfile?.Name;
        if (profile && (!this.profiles.has(profile) || this.profileFailures > 0)) {
          this.profileFailures = Math.max(0, this.profileFailures - 1);
          throw awsError(
            'InvalidParameterValue',
            `Value (${profile}) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name`,
          );
        }
        const id = this.id('i');
        const volumeId = this.id('vol');
        const spec = (type: string) =>
          toMap(input.TagSpecifications?.find((t) => t.ResourceType === type)?.Tags);
        const ebs = input.BlockDeviceMappings?.[0]?.Ebs ?? {};
        this.volumes.set(volumeId, {
          id: volumeId,
          state: 'in-use',
          tags: spec('volume'),
          encrypted: Boolean(ebs.Encrypted),
          type: ebs.VolumeType ?? 'gp2',
          size: ebs.VolumeSize ?? 8,
        });
        this.instances.set(id, {
          id,
          state: 'pending',
          type: input.InstanceType,
          tags: spec('instance'),
          groupIds: input.SecurityGroupIds,
          keyName: input.KeyName,
          profile,
          httpTokens: input.MetadataOptions?.HttpTokens ?? 'optional',
          hopLimit: input.MetadataOptions?.HttpPutResponseHopLimit ?? 2,
          publicIp: `198.51.100.${this.seq}`,
          volumeId,
          userData: input.UserData,
        });
        return { Instances: [{ InstanceId: id, State: { Name: 'pending' } }] };
      },
    );
    this.handle(
      ec2,
      'EC2',
      DescribeInstancesCommand,
      (input: { InstanceIds?: string[]; Filters?: Filter[] }) => {
        const picked = [...this.instances.values()].filter(
          (i) =>
            (!input.InstanceIds || input.InstanceIds.includes(i.id)) &&
            this.matches(i.tags, input.Filters, { 'instance-state-name': i.state }),
        );
        const views = picked.map((i) => this.instanceView(i));
        for (const i of picked) this.advance(i);
        return { Reservations: views.length ? [{ Instances: views }] : [] };
      },
    );
    this.handle(
      ec2,
      'EC2',
      ModifyInstanceMetadataOptionsCommand,
      (input: { InstanceId: string; HttpTokens?: string; HttpPutResponseHopLimit?: number }) => {
        const i = this.instances.get(input.InstanceId)!;
        i.httpTokens = input.HttpTokens ?? i.httpTokens;
        i.hopLimit = input.HttpPutResponseHopLimit ?? i.hopLimit;
        return {};
      },
    );
    this.handle(ec2, 'EC2', StartInstancesCommand, (input: { InstanceIds: string[] }) => {
      for (const id of input.InstanceIds) this.instances.get(id)!.state = 'pending';
      return {};
    });
    this.handle(ec2, 'EC2', GetConsoleOutputCommand, (input: { InstanceId: string }) => {
      const i = this.instances.get(input.InstanceId)!;
      return { InstanceId: i.id, Output: Buffer.from(this.consoleOutput(i)).toString('base64') };
    });
    this.handle(ec2, 'EC2', TerminateInstancesCommand, (input: { InstanceIds: string[] }) => {
      for (const id of input.InstanceIds) {
        const i = this.instances.get(id);
        if (!i) throw awsError('InvalidInstanceID.NotFound');
        if (i.state !== 'terminated') i.state = 'shutting-down';
      }
      return {};
    });
    this.handle(
      ec2,
      'EC2',
      DescribeVolumesCommand,
      (input: { VolumeIds?: string[]; Filters?: Filter[] }) => ({
        Volumes: [...this.volumes.values()]
          .filter(
            (v) =>
              (!input.VolumeIds || input.VolumeIds.includes(v.id)) && this.matches(v.tags, input.Filters, {}),
          )
          .map((v) => ({
            VolumeId: v.id,
            State: v.state,
            Encrypted: v.encrypted,
            VolumeType: v.type,
            Tags: toList(v.tags),
          })),
      }),
    );
    this.handle(ec2, 'EC2', DeleteVolumeCommand, (input: { VolumeId: string }) => {
      this.volumes.delete(input.VolumeId);
      return {};
    });
  }

  private wireIam(): void {
    const iam = this.iam;
    const noRole = (name: string) =>
      awsError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);
    const role = (name: string) => {
      const r = this.roles.get(name);
      if (!r) throw noRole(name);
      return r;
    };
    this.handle(iam, 'IAM', GetRoleCommand, (input: { RoleName: string }) => {
      const r = role(input.RoleName);
      return { Role: { RoleName: r.name, Arn: r.arn, Path: r.path, Tags: toList(r.tags) } };
    });
    this.handle(
      iam,
      'IAM',
      CreateRoleCommand,
      (input: { RoleName: string; Path?: string; Tags?: TagList }) => {
        if (this.roles.has(input.RoleName)) throw awsError('EntityAlreadyExists', 'role exists', 409);
        const path = input.Path ?? '/';
        const r = {
          name: input.RoleName,
          arn: `arn:aws:iam::${ACCOUNT}:role${path}${input.RoleName}`,
          path,
          tags: toMap(input.Tags),
          policies: new Map(),
          attached: [],
        };
        this.roles.set(r.name, r);
        return { Role: { RoleName: r.name, Arn: r.arn } };
      },
    );
    this.handle(iam, 'IAM', ListRolesCommand, (input: { PathPrefix?: string }) => ({
      Roles: [...this.roles.values()]
        .filter((r) => r.path.startsWith(input.PathPrefix ?? '/'))
        .map((r) => ({ RoleName: r.name, Arn: r.arn, Path: r.path })),
      IsTruncated: false,
    }));
    this.handle(iam, 'IAM', ListRoleTagsCommand, (input: { RoleName: string }) => ({
      Tags: toList(role(input.RoleName).tags),
    }));
    this.handle(iam, 'IAM', ListRolePoliciesCommand, (input: { RoleName: string }) => ({
      PolicyNames: [...role(input.RoleName).policies.keys()],
    }));
    this.handle(iam, 'IAM', GetRolePolicyCommand, (input: { RoleName: string; PolicyName: string }) => ({
      RoleName: input.RoleName,
      PolicyName: input.PolicyName,
      PolicyDocument: encodeURIComponent(role(input.RoleName).policies.get(input.PolicyName) ?? ''),
    }));
    this.handle(
      iam,
      'IAM',
      PutRolePolicyCommand,
      (input: { RoleName: string; PolicyName: string; PolicyDocument: string }) => {
        role(input.RoleName).policies.set(input.PolicyName, input.PolicyDocument);
        return {};
      },
    );
    this.handle(iam, 'IAM', DeleteRolePolicyCommand, (input: { RoleName: string; PolicyName: string }) => {
      role(input.RoleName).policies.delete(input.PolicyName);
      return {};
    });
    this.handle(iam, 'IAM', ListAttachedRolePoliciesCommand, (input: { RoleName: string }) => ({
      AttachedPolicies: role(input.RoleName).attached.map((PolicyArn) => ({ PolicyArn })),
    }));
    this.handle(iam, 'IAM', DetachRolePolicyCommand, (input: { RoleName: string; PolicyArn: string }) => {
      const r = role(input.RoleName);
      r.attached = r.attached.filter((a) => a !== input.PolicyArn);
      return {};
    });
    this.handle(iam, 'IAM', DeleteRoleCommand, (input: { RoleName: string }) => {
      const r = role(input.RoleName);
      if (r.policies.size > 0 || r.attached.length > 0)
        throw awsError('DeleteConflict', 'Cannot delete entity, must delete policies first.', 409);
      if ([...this.profiles.values()].some((p) => p.roles.includes(r.name)))
        throw awsError('DeleteConflict', 'must remove roles from instance profile first', 409);
      this.roles.delete(r.name);
      return {};
    });
    const profile = (name: string) => {
      const p = this.profiles.get(name);
      if (!p) throw awsError('NoSuchEntity', `Instance Profile ${name} cannot be found.`, 404);
      return p;
    };
    this.handle(iam, 'IAM', GetInstanceProfileCommand, (input: { InstanceProfileName: string }) => {
      const p = profile(input.InstanceProfileName);
      return {
        InstanceProfile: {
          InstanceProfileName: p.name,
          Arn: p.arn,
          Path: p.path,
          Tags: toList(p.tags),
          Roles: p.roles.map((RoleName) => ({ RoleName })),
        },
      };
    });
    this.handle(
      iam,
      'IAM',
      CreateInstanceProfileCommand,
      (input: { InstanceProfileName: string; Path?: string; Tags?: TagList }) => {
        const path = input.Path ?? '/';
        const p = {
          name: input.InstanceProfileName,
          arn: `arn:aws:iam::${ACCOUNT}:instance-profile${path}${input.InstanceProfileName}`,
          path,
          tags: toMap(input.Tags),
          roles: [],
        };
        this.profiles.set(p.name, p);
        return { InstanceProfile: { InstanceProfileName: p.name, Arn: p.arn } };
      },
    );
    this.handle(
      iam,
      'IAM',
      AddRoleToInstanceProfileCommand,
      (input: { InstanceProfileName: string; RoleName: string }) => {
        const p = profile(input.InstanceProfileName);
        if (p.roles.length > 0)
          throw awsError(
            'LimitExceeded',
            'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1',
            409,
          );
        p.roles.push(role(input.RoleName).name);
        return {};
      },
    );
    this.handle(
      iam,
      'IAM',
      RemoveRoleFromInstanceProfileCommand,
      (input: { InstanceProfileName: string; RoleName: string }) => {
        const p = profile(input.InstanceProfileName);
        p.roles = p.roles.filter((r) => r !== input.RoleName);
        return {};
      },
    );
    this.handle(iam, 'IAM', DeleteInstanceProfileCommand, (input: { InstanceProfileName: string }) => {
      const p = profile(input.InstanceProfileName);
      if (p.roles.length > 0)
        throw awsError('DeleteConflict', 'must remove roles from instance profile first', 409);
      this.profiles.delete(p.name);
      return {};
    });
    this.handle(iam, 'IAM', ListInstanceProfilesCommand, (input: { PathPrefix?: string }) => ({
      InstanceProfiles: [...this.profiles.values()]
        .filter((p) => p.path.startsWith(input.PathPrefix ?? '/'))
        .map((p) => ({
          InstanceProfileName: p.name,
          Arn: p.arn,
          Roles: p.roles.map((RoleName) => ({ RoleName })),
        })),
      IsTruncated: false,
    }));
    this.handle(iam, 'IAM', ListInstanceProfileTagsCommand, (input: { InstanceProfileName: string }) => ({
      Tags: toList(profile(input.InstanceProfileName).tags),
    }));
    this.handle(iam, 'IAM', ListInstanceProfilesForRoleCommand, (input: { RoleName: string }) => ({
      InstanceProfiles: [...this.profiles.values()]
        .filter((p) => p.roles.includes(input.RoleName))
        .map((p) => ({ InstanceProfileName: p.name })),
    }));
  }

  private wireOthers(taggingIndexesIam: boolean): void {
    this.handle(this.ssm, 'SSM', GetParameterCommand, (input: { Name: string }) => {
      if (input.Name !== '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64')
        throw awsError('ParameterNotFound');
      return { Parameter: { Name: input.Name, Value: this.imageId } };
    });
    const sm = this.secretsManager;
    this.handle(sm, 'SecretsManager', DescribeSecretCommand, (input: { SecretId: string }) => {
      const s = [...this.secrets.values()].find((x) => x.name === input.SecretId || x.arn === input.SecretId);
      if (!s) throw awsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
      return { ARN: s.arn, Name: s.name, Tags: toList(s.tags), DeletedDate: s.deletedDate };
    });
    this.handle(
      sm,
      'SecretsManager',
      CreateSecretCommand,
      (input: { Name: string; SecretString: string; Tags?: TagList }) => {
        const existing = this.secrets.get(input.Name);
        if (existing?.deletedDate)
          throw awsError(
            'InvalidRequestException',
            "You can't create this secret because a secret with this name is already scheduled for deletion.",
          );
        if (existing) throw awsError('ResourceExistsException');
        const s = {
          name: input.Name,
          arn: this.arn('secretsmanager', `secret:${input.Name}-AbCdEf`),
          value: input.SecretString,
          tags: toMap(input.Tags),
        };
        this.secrets.set(s.name, s);
        return { ARN: s.arn, Name: s.name };
      },
    );
    this.handle(
      sm,
      'SecretsManager',
      ListSecretsCommand,
      (input: { Filters?: Array<{ Key?: string; Values?: string[] }> }) => ({
        SecretList: [...this.secrets.values()]
          .filter((s) =>
            (input.Filters ?? []).every((f) =>
              f.Key === 'tag-key'
                ? (f.Values ?? []).some((v) => v in s.tags)
                : f.Key === 'tag-value'
                  ? (f.Values ?? []).some((v) => Object.values(s.tags).includes(v))
                  : true,
            ),
          )
          .map((s) => ({ ARN: s.arn, Name: s.name, Tags: toList(s.tags), DeletedDate: s.deletedDate })),
      }),
    );
    this.handle(
      sm,
      'SecretsManager',
      DeleteSecretCommand,
      (input: { SecretId: string; ForceDeleteWithoutRecovery?: boolean }) => {
        const s = [...this.secrets.values()].find(
          (x) => x.name === input.SecretId || x.arn === input.SecretId,
        );
        if (!s) throw awsError('ResourceNotFoundException');
        if (input.ForceDeleteWithoutRecovery) this.secrets.delete(s.name);
        else s.deletedDate = new Date();
        return { ARN: s.arn };
      },
    );
    this.handle(
      this.tagging,
      'Tagging',
      GetResourcesCommand,
      (input: { TagFilters?: Array<{ Key?: string; Values?: string[] }> }) => {
        const f = input.TagFilters?.[0];
        const all: Array<{ arn: string; tags: Tags }> = [
          ...[...this.tables.values()].map((t) => ({ arn: t.arn, tags: t.tags })),
          ...[...this.secrets.values()].map((s) => ({ arn: s.arn, tags: s.tags })),
          ...[...this.keyPairs.values()].map((k) => ({
            arn: this.arn('ec2', `key-pair/${k.id}`),
            tags: k.tags,
          })),
          ...[...this.groups.values()].map((g) => ({
            arn: this.arn('ec2', `security-group/${g.id}`),
            tags: g.tags,
          })),
          ...[...this.instances.values()]
            .filter((i) => i.state !== 'terminated')
            .map((i) => ({ arn: this.arn('ec2', `instance/${i.id}`), tags: i.tags })),
          ...[...this.volumes.values()].map((v) => ({
            arn: this.arn('ec2', `volume/${v.id}`),
            tags: v.tags,
          })),
          ...(taggingIndexesIam ? [...this.roles.values()].map((r) => ({ arn: r.arn, tags: r.tags })) : []),
        ];
        return {
          ResourceTagMappingList: all
            .filter(
              (r) =>
                f?.Key !== undefined && f.Key in r.tags && (!f.Values || f.Values.includes(r.tags[f.Key]!)),
            )
            .map((r) => ({ ResourceARN: r.arn, Tags: toList(r.tags) })),
          PaginationToken: '',
        };
      },
    );
    this.wireDynamo();
  }

  private wireDynamo(): void {
    const ddb = this.dynamo;
    const table = (name: string) => {
      const t = this.tables.get(name);
      if (!t)
        throw awsError('ResourceNotFoundException', `Requested resource not found: Table: ${name} not found`);
      return t;
    };
    this.handle(ddb, 'DynamoDB', ListTablesCommand, () => ({ TableNames: [...this.tables.keys()].sort() }));
    this.handle(
      ddb,
      'DynamoDB',
      CreateTableCommand,
      (input: { TableName: string; GlobalSecondaryIndexes?: Array<{ IndexName?: string }> }) => {
        if (this.tables.has(input.TableName)) throw awsError('ResourceInUseException');
        this.tables.set(input.TableName, {
          name: input.TableName,
          arn: this.arn('dynamodb', `table/${input.TableName}`),
          status: this.instantTables ? 'ACTIVE' : 'CREATING',
          tags: {},
          ttl: false,
          describes: 0,
        });
        return { TableDescription: { TableName: input.TableName, TableStatus: 'CREATING' } };
      },
    );
    this.handle(ddb, 'DynamoDB', DescribeTableCommand, (input: { TableName: string }) => {
      const t = table(input.TableName);
      const view = {
        Table: { TableName: t.name, TableArn: t.arn, TableStatus: t.status, GlobalSecondaryIndexes: [] },
      };
      if (t.status === 'CREATING') t.status = 'ACTIVE';
      else if (t.status === 'DELETING') this.tables.delete(t.name);
      return view;
    });
    this.handle(ddb, 'DynamoDB', DescribeTimeToLiveCommand, (input: { TableName: string }) => ({
      TimeToLiveDescription: { TimeToLiveStatus: table(input.TableName).ttl ? 'ENABLED' : 'DISABLED' },
    }));
    this.handle(
      ddb,
      'DynamoDB',
      UpdateTimeToLiveCommand,
      (input: { TableName: string; TimeToLiveSpecification: { Enabled: boolean } }) => {
        table(input.TableName).ttl = input.TimeToLiveSpecification.Enabled;
        return {};
      },
    );
    this.handle(ddb, 'DynamoDB', TagResourceCommand, (input: { ResourceArn: string; Tags: TagList }) => {
      const t = [...this.tables.values()].find((x) => x.arn === input.ResourceArn)!;
      Object.assign(t.tags, toMap(input.Tags));
      return {};
    });
    this.handle(ddb, 'DynamoDB', ListTagsOfResourceCommand, (input: { ResourceArn: string }) => ({
      Tags: toList([...this.tables.values()].find((x) => x.arn === input.ResourceArn)?.tags ?? {}),
    }));
    this.handle(ddb, 'DynamoDB', DeleteTableCommand, (input: { TableName: string }) => {
      const t = table(input.TableName);
      t.status = 'DELETING';
      t.tags = {};
      return {};
    });
  }
}
