import { randomBytes } from 'node:crypto';
import { DescribeTableCommand, TagResourceCommand } from '@aws-sdk/client-dynamodb';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateKeyPairCommand,
  CreateSecurityGroupCommand,
  DescribeInstancesCommand,
  GetConsoleOutputCommand,
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
import { createTables } from '../../store/tables.js';
import type { TableKind } from '../../store/table-definitions.js';
import { knownHostsLine } from './host-key.js';
import type { HostDeployer, HostDeployResult, HostSettings, HostTarget } from './host-deployer.js';
import type { ObservedStack } from './observed.js';
import { ingressDiff, ruleText, type DeployPlan, type PlanAction } from './plan.js';
import { EC2_TRUST_POLICY, servicesPolicy, type PolicyArns } from './policy.js';
import {
  IAM_PATH,
  ROOT_DEVICE,
  ROOT_VOLUME_GB,
  SECRET_LAUNCHER,
  SSH_PORT,
  SSH_USER,
  tagList,
  type DesiredStack,
  type IngressRule,
} from './stack-spec.js';
import { writePrivateKey, writeRecord, type StackFiles, type StackRecord } from './stack-record.js';
import { DEFAULT_TIMING, pollUntil, retrying, type Timing } from './timing.js';
import { renderUserData, type UserDataTemplates } from './user-data.js';

/**
 * Carries out a deploy plan through the clients, in the plan's (dependency) order, then hands the
 * instance to the --host deploy. Every Create call tags its resource at creation; keep actions make no
 * call. Reports one line per resource as it goes.
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

export interface ApplyResult {
  changed: PlanAction[];
  instanceId: string;
  publicIp: string;
  host: HostDeployResult;
  record: StackRecord;
}

interface Progress {
  arns: PolicyArns;
  securityGroupId?: string;
  instanceId?: string;
  hostKey?: string;
}

export async function applyPlan(
  stack: DesiredStack,
  plan: DeployPlan,
  observed: ObservedStack,
  deps: ApplyDeps,
  previous?: StackRecord,
): Promise<ApplyResult> {
  if (plan.blockers.length > 0) {
    throw new UserError(plan.blockers[0]!, {
      hint: `see \`citystream deploy --stack ${stack.name} --dry-run\``,
    });
  }
  const timing = deps.timing ?? DEFAULT_TIMING;
  const { clients, report } = deps;
  const progress: Progress = {
    arns: {
      tables: Object.fromEntries(observed.tables.filter((t) => t.arn).map((t) => [t.kind, t.arn])),
      secret: observed.secret?.arn,
    },
    securityGroupId: observed.securityGroup?.id,
    instanceId: observed.instance?.id,
  };
  const done = (
    a: PlanAction,
    what = a.action === 'create' ? 'created' : a.action === 'change' ? 'changed' : 'kept',
  ) => report(`${what} ${a.resource} ${a.name}${a.detail ? `: ${a.detail}` : ''}`);

  const tableActions = plan.actions.filter((a) => a.resource === 'table');
  if (tableActions.some((a) => a.action !== 'keep'))
    await applyTables(stack, observed, tableActions, deps, progress);
  else tableActions.forEach((a) => done(a));

  for (const action of plan.actions) {
    if (action.resource === 'table' || action.resource === 'services') continue;
    if (action.action === 'keep') {
      done(action);
      continue;
    }
    await STEPS[action.resource](stack, observed, action, deps, progress, timing);
    done(action);
  }

  const instance = await waitForInstance(clients, progress.instanceId!, timing, deps.signal);
  report(`instance ${instance.id} is running at ${instance.publicIp}; waiting for SSH`);
  await pollUntil(
    timing,
    `SSH on ${instance.publicIp}:${SSH_PORT}`,
    async () => ((await deps.sshReady(instance.publicIp, SSH_PORT)) ? true : undefined),
    deps.signal,
  );
  const hostKey =
    previous?.hostKey && previous.publicIp === instance.publicIp && previous.instanceId === instance.id
      ? previous.hostKey
      : await pinHostKey(clients, instance.id, instance.publicIp, timing, deps.signal);
  report(
    `pinned host key ${hostKey.split(' ').slice(1, 2).join('')} of ${instance.publicIp} from the console output`,
  );

  const record: StackRecord = {
    stack: stack.name,
    region: stack.region,
    version: stack.version,
    updatedAt: new Date().toISOString(),
    allowCidr: stack.allowCidr,
    instanceId: instance.id,
    publicIp: instance.publicIp,
    hostKey,
    securityGroupId: progress.securityGroupId,
    keyName: stack.keyName,
    roleName: stack.roleName,
    instanceProfileName: stack.instanceProfileName,
    secretArn: progress.arns.secret,
    tables: stack.tables.map((t) => t.name),
  };
  await writeRecord(deps.files, record);
  const host = await deps.hostDeployer.deploy(hostTarget(stack, instance.publicIp, hostKey, deps.files), {
    signal: deps.signal,
    onProgress: report,
  });
  return {
    changed: plan.actions.filter((a) => a.action !== 'keep'),
    instanceId: instance.id,
    publicIp: instance.publicIp,
    host,
    record,
  };
}

export function hostSettings(stack: DesiredStack): HostSettings {
  return {
    target: 'aws',
    region: stack.region,
    tablePrefix: stack.tablePrefix,
    apiPort: stack.apiPort,
    apiHost: '0.0.0.0',
    kafka: stack.kafka,
    brokers: stack.kafka === 'external' ? stack.brokers : ['127.0.0.1:9092'],
    producer: stack.producer,
    rate: stack.rate,
    secretId: stack.secretName,
    launcher: SECRET_LAUNCHER,
    ...(stack.archive !== undefined ? { archive: stack.archive } : {}),
  };
}

export function hostTarget(
  stack: DesiredStack,
  host: string,
  hostKey: string,
  files: StackFiles,
): HostTarget {
  return {
    host,
    user: SSH_USER,
    port: SSH_PORT,
    identityFile: files.key,
    hostKey,
    stack: stack.name,
    settings: hostSettings(stack),
  };
}

async function applyTables(
  stack: DesiredStack,
  observed: ObservedStack,
  actions: PlanAction[],
  deps: ApplyDeps,
  progress: Progress,
): Promise<void> {
  const result = await createTables(deps.clients.dynamo, {
    prefix: stack.tablePrefix,
    billing: { mode: stack.billingMode },
    signal: deps.signal,
    pollMs: Math.min(deps.timing?.pollMs ?? 1000, 1000),
    onProgress: (m) => deps.report(m),
  });
  for (const note of result.notes) deps.report(`note: ${note}`);
  for (const t of stack.tables) {
    const seen = observed.tables.find((o) => o.kind === t.kind);
    let arn = seen?.arn;
    if (!arn) {
      const { Table } = await deps.clients.dynamo.send(new DescribeTableCommand({ TableName: t.name }));
      arn = Table?.TableArn;
    }
    if (!arn) throw new Error(`DescribeTable gave no ARN for ${t.name}`);
    progress.arns.tables[t.kind as TableKind] = arn;
    if (!seen || Object.keys(seen.tags).length === 0 || !seen.tags['citystream:stack']) {
      await deps.clients.dynamo.send(new TagResourceCommand({ ResourceArn: arn, Tags: tagList(stack.tags) }));
    }
    const action = actions.find((a) => a.name === t.name)!;
    deps.report(
      `${action.action === 'create' ? 'created' : action.action === 'change' ? 'changed' : 'kept'} table ${t.name}${action.detail ? `: ${action.detail}` : ''}`,
    );
  }
}

type Step = (
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

const STEPS: Record<Exclude<PlanAction['resource'], 'table' | 'services'>, Step> = {
  secret: createSecret,
  'iam-role': createRole,
  'role-policy': putPolicy,
  'instance-profile': instanceProfile,
  'key-pair': keyPair,
  'security-group': securityGroup,
  instance,
};

async function instanceState(clients: AwsClients, id: string): Promise<string | undefined> {
  const { Reservations } = await clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return Reservations?.[0]?.Instances?.[0]?.State?.Name;
}

async function waitForInstance(clients: AwsClients, id: string, timing: Timing, signal?: AbortSignal) {
  return pollUntil(
    timing,
    `instance ${id} to be running with a public address`,
    async () => {
      const { Reservations } = await clients.ec2
        .send(new DescribeInstancesCommand({ InstanceIds: [id] }))
        .catch((err: unknown) => {
          // A just-launched instance can be unknown to DescribeInstances for a moment.
          if (awsErrorName(err) === 'InvalidInstanceID.NotFound') return { Reservations: [] };
          throw err;
        });
      const i = Reservations?.[0]?.Instances?.[0];
      return i?.State?.Name === 'running' && i.PublicIpAddress
        ? { id, publicIp: i.PublicIpAddress }
        : undefined;
    },
    signal,
  );
}

/** Reads the host key from the console output; cloud-init prints it a little after SSH starts. */
async function pinHostKey(
  clients: AwsClients,
  id: string,
  ip: string,
  timing: Timing,
  signal?: AbortSignal,
): Promise<string> {
  return pollUntil(
    timing,
    `the SSH host key of ${id} on its console output`,
    async () => {
      const { Output } = await clients.ec2.send(
        new GetConsoleOutputCommand({ InstanceId: id, Latest: true }),
      );
      return Output ? knownHostsLine(ip, Buffer.from(Output, 'base64').toString('utf8')) : undefined;
    },
    signal,
  );
}
