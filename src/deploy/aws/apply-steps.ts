import { randomBytes } from 'node:crypto';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateKeyPairCommand,
  CreateSecurityGroupCommand,
  ModifyInstanceMetadataOptionsCommand,
  RevokeSecurityGroupIngressCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  PutRolePolicyCommand,
  RemoveRoleFromInstanceProfileCommand,
} from '@aws-sdk/client-iam';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { awsErrorName, type AwsClients } from '../../clients/aws.js';
import { UserError } from '../../errors.js';
import type { HostDeployer } from './host-deployer.js';
import { instanceState } from './instance-ready.js';
import type { ObservedStack } from './observed.js';
import { ingressDiff, ruleText, type PlanAction } from './plan.js';
import { EC2_TRUST_POLICY, servicesPolicy, type PolicyArns } from './policy.js';
import {
  IAM_PATH,
  ROOT_DEVICE,
  ROOT_VOLUME_GB,
  SSH_PORT,
  tagList,
  type DesiredStack,
  type IngressRule,
} from './stack-spec.js';
import { writePrivateKey, type StackFiles } from './stack-record.js';
import { pollUntil, retrying, type Timing } from './timing.js';
import { renderUserData, type UserDataTemplates } from './user-data.js';

/**
 * One step per kind of resource a deploy plan creates or changes (tables apart: apply.ts), each a few
 * calls through the clients. Every Create call tags its resource at creation.
 */

export interface ApplyDeps {
  clients: AwsClients;
  hostDeployer: HostDeployer;
  files: StackFiles;
  templates: UserDataTemplates;
  report(line: string): void;
  /** Whether SSH answers on host:port (a TCP connect in production). */
  sshReady(host: string, port: number): Promise<boolean>;
  /** Kafka credentials for external brokers, from the caller's environment; stored only in the secret. */
  kafkaCredentials?: { username: string; password: string };
  timing?: Timing;
  signal?: AbortSignal;
  /** The API token generator (tests pin it). */
  newToken?: () => string;
}

export interface Progress {
  arns: PolicyArns;
  securityGroupId?: string;
  instanceId?: string;
  hostKey?: string;
}

export type Step = (
  stack: DesiredStack,
  observed: ObservedStack,
  action: PlanAction,
  deps: ApplyDeps,
  progress: Progress,
  timing: Timing,
) => Promise<void>;

const createSecret: Step = async (stack, _observed, _action, deps, progress) => {
  const value = {
    apiToken: (deps.newToken ?? (() => randomBytes(32).toString('base64url')))(),
    ...(deps.kafkaCredentials ? { kafka: deps.kafkaCredentials } : {}),
  };
  try {
    const created = await deps.clients.secrets.send(
      new CreateSecretCommand({
        Name: stack.secretName,
        Description: `citystream stack ${stack.name}: runtime settings (API token, Kafka credentials)`,
        SecretString: JSON.stringify(value),
        Tags: tagList(stack.tags),
      }),
    );
    progress.arns.secret = created.ARN;
  } catch (err) {
    if (
      awsErrorName(err) === 'InvalidRequestException' &&
      /scheduled for deletion/i.test(String((err as Error).message))
    ) {
      throw new UserError(
        `secret ${stack.secretName} is scheduled for deletion, so a new one cannot take its name yet`,
        {
          hint: `restore it (\`aws secretsmanager restore-secret --secret-id ${stack.secretName}\`) or delete it for good with \`citystream teardown --stack ${stack.name}\``,
          cause: err,
        },
      );
    }
    throw err;
  }
};

const createRole: Step = async (stack, _o, _a, deps) => {
  await deps.clients.iam.send(
    new CreateRoleCommand({
      RoleName: stack.roleName,
      Path: IAM_PATH,
      Description: `citystream stack ${stack.name}: the instance's services`,
      AssumeRolePolicyDocument: JSON.stringify(EC2_TRUST_POLICY),
      Tags: tagList(stack.tags),
    }),
  );
};

const putPolicy: Step = async (stack, observed, _a, deps, progress) => {
  const iam = deps.clients.iam;
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: stack.roleName,
      PolicyName: stack.policyName,
      PolicyDocument: JSON.stringify(servicesPolicy(stack, progress.arns)),
    }),
  );
  for (const name of Object.keys(observed.role?.inlinePolicies ?? {})) {
    if (name !== stack.policyName)
      await iam.send(new DeleteRolePolicyCommand({ RoleName: stack.roleName, PolicyName: name }));
  }
  for (const arn of observed.role?.attachedPolicies ?? []) {
    await iam.send(new DetachRolePolicyCommand({ RoleName: stack.roleName, PolicyArn: arn }));
  }
};

const instanceProfile: Step = async (stack, observed, action, deps) => {
  const iam = deps.clients.iam;
  const name = stack.instanceProfileName;
  if (action.action === 'create') {
    await iam.send(
      new CreateInstanceProfileCommand({
        InstanceProfileName: name,
        Path: IAM_PATH,
        Tags: tagList(stack.tags),
      }),
    );
  }
  const roles = observed.instanceProfile?.roles ?? [];
  for (const role of roles.filter((r) => r !== stack.roleName)) {
    await iam.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: name, RoleName: role }));
  }
  if (!roles.includes(stack.roleName)) {
    await iam.send(
      new AddRoleToInstanceProfileCommand({ InstanceProfileName: name, RoleName: stack.roleName }),
    );
  }
};

const keyPair: Step = async (stack, _o, _a, deps) => {
  const created = await deps.clients.ec2.send(
    new CreateKeyPairCommand({
      KeyName: stack.keyName,
      KeyType: 'ed25519',
      KeyFormat: 'pem',
      TagSpecifications: [{ ResourceType: 'key-pair', Tags: tagList(stack.tags) }],
    }),
  );
  if (!created.KeyMaterial) throw new Error('CreateKeyPair returned no key material');
  await writePrivateKey(deps.files, created.KeyMaterial);
};

export function ipPermissions(rules: readonly IngressRule[]): IpPermission[] {
  return rules.map((r) => ({
    IpProtocol: r.protocol,
    FromPort: r.port,
    ToPort: r.port,
    IpRanges: [{ CidrIp: r.cidr, Description: `citystream ${r.port === SSH_PORT ? 'SSH' : 'API'}` }],
  }));
}

const securityGroup: Step = async (stack, observed, action, deps, progress) => {
  const ec2 = deps.clients.ec2;
  let groupId = observed.securityGroup?.id;
  if (action.action === 'create') {
    const created = await ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: stack.securityGroupName,
        Description: `citystream stack ${stack.name}: SSH and the API from ${stack.allowCidr} only`,
        VpcId: observed.vpcId,
        TagSpecifications: [{ ResourceType: 'security-group', Tags: tagList(stack.tags) }],
      }),
    );
    groupId = created.GroupId;
  }
  if (!groupId) throw new Error('no security group id');
  progress.securityGroupId = groupId;
  const { add, remove } = ingressDiff(stack.ingress, observed.securityGroup?.ingress ?? []);
  const other = (observed.securityGroup?.otherPermissions ?? []) as IpPermission[];
  if (remove.length > 0 || other.length > 0) {
    await ec2.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: [...ipPermissions(remove), ...other],
      }),
    );
  }
  if (add.length > 0) {
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId,
        IpPermissions: ipPermissions(add),
      }),
    );
  }
  deps.report(`security group ${groupId}: ${stack.ingress.map(ruleText).join(', ')}`);
};

/** A new instance profile takes a few seconds to be usable by EC2; RunInstances says so this way. */
export function isProfilePropagation(err: unknown): boolean {
  return (
    awsErrorName(err) === 'InvalidParameterValue' &&
    /iamInstanceProfile|instance profile/i.test(String((err as Error).message))
  );
}

const instance: Step = async (stack, observed, action, deps, progress, timing) => {
  const ec2 = deps.clients.ec2;
  if (action.action === 'change' && observed.instance) {
    const id = observed.instance.id;
    if (observed.instance.httpTokens !== 'required' || observed.instance.hopLimit !== 1) {
      await ec2.send(
        new ModifyInstanceMetadataOptionsCommand({
          InstanceId: id,
          HttpTokens: 'required',
          HttpPutResponseHopLimit: 1,
          HttpEndpoint: 'enabled',
        }),
      );
    }
    if (observed.instance.state === 'stopped' || observed.instance.state === 'stopping') {
      await pollUntil(
        timing,
        `instance ${id} to stop`,
        async () => ((await instanceState(deps.clients, id)) === 'stopped' ? true : undefined),
        deps.signal,
      );
      await ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
    }
    return;
  }
  if (!observed.imageId)
    throw new UserError(`no Amazon Linux 2023 AMI found in ${stack.region}`, { hint: 'check the region' });
  const userData = renderUserData(stack, deps.templates);
  const run = () =>
    ec2.send(
      new RunInstancesCommand({
        ImageId: observed.imageId,
        InstanceType: stack.instanceType as never,
        MinCount: 1,
        MaxCount: 1,
        KeyName: stack.keyName,
        SecurityGroupIds: [progress.securityGroupId!],
        IamInstanceProfile: { Name: stack.instanceProfileName },
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled' },
        BlockDeviceMappings: [
          {
            DeviceName: ROOT_DEVICE,
            Ebs: {
              VolumeSize: ROOT_VOLUME_GB,
              VolumeType: 'gp3',
              Encrypted: true,
              DeleteOnTermination: true,
            },
          },
        ],
        UserData: Buffer.from(userData).toString('base64'),
        TagSpecifications: [
          { ResourceType: 'instance', Tags: tagList({ ...stack.tags, Name: stack.instanceName }) },
          { ResourceType: 'volume', Tags: tagList(stack.tags) },
        ],
      }),
    );
  const result = await retrying(timing, isProfilePropagation, run, deps.signal);
  progress.instanceId = result.Instances?.[0]?.InstanceId;
  if (!progress.instanceId) throw new Error('RunInstances returned no instance');
};

export const STEPS: Record<Exclude<PlanAction['resource'], 'table' | 'services'>, Step> = {
  secret: createSecret,
  'iam-role': createRole,
  'role-policy': putPolicy,
  'instance-profile': instanceProfile,
  'key-pair': keyPair,
  'security-group': securityGroup,
  instance,
};
