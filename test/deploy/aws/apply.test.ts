/**
 * The calls a deploy makes, asserted on aws-sdk-client-mock stubs (nothing here can serve EC2, IAM, SSM,
 * Secrets Manager or the Tagging API; the DynamoDB control calls are mocked in the same model, not run
 * on dynalite, so one state answers them all).
 */
import { CreateTableCommand, TagResourceCommand } from '@aws-sdk/client-dynamodb';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateKeyPairCommand,
  CreateSecurityGroupCommand,
  RevokeSecurityGroupIngressCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsModel } from './support/aws-model.js';
import { deploy as deployCommand, recordingHostDeployer, runHandler, tempDir } from './support/harness.js';

const TAGS = [
  { Key: 'citystream:stack', Value: 'demo' },
  { Key: 'citystream:version', Value: '0.1.0' },
];
const CIDR = '203.0.113.7/32';

let model: AwsModel;
let cwd: string;
let host: ReturnType<typeof recordingHostDeployer>;
beforeEach(async () => {
  model = new AwsModel();
  cwd = await tempDir();
  host = recordingHostDeployer();
});
afterEach(() => model.restore());

const deploy = (extra: Record<string, unknown> = {}) =>
  runHandler(
    deployCommand,
    { stack: 'demo', allowCidr: CIDR, yes: true, instanceType: 't3.small', rate: 5, ...extra },
    { cwd, overrides: { hostDeployer: host } },
  );

const inputs = (stub: AwsModel['ec2'], command: unknown) =>
  stub.commandCalls(command as never).map((c) => c.args[0].input as Record<string, unknown>);

const CREATES: Array<[keyof AwsModel, unknown]> = [
  ['dynamo', CreateTableCommand],
  ['secretsManager', CreateSecretCommand],
  ['iam', CreateRoleCommand],
  ['iam', PutRolePolicyCommand],
  ['iam', CreateInstanceProfileCommand],
  ['iam', AddRoleToInstanceProfileCommand],
  ['ec2', CreateKeyPairCommand],
  ['ec2', CreateSecurityGroupCommand],
  ['ec2', AuthorizeSecurityGroupIngressCommand],
  ['ec2', RevokeSecurityGroupIngressCommand],
  ['ec2', RunInstancesCommand],
];
const createCounts = () =>
  CREATES.map(([stub, command]) => (model[stub] as AwsModel['ec2']).commandCalls(command as never).length);

describe('deploy on AWS: the calls', () => {
  it('a fresh deploy creates each resource once, tagged, locked down', async () => {
    await deploy();
    expect(createCounts()).toEqual([4, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1]);

    for (const input of inputs(model.dynamo, TagResourceCommand)) expect(input.Tags).toEqual(TAGS);
    expect(inputs(model.dynamo, TagResourceCommand)).toHaveLength(4);
    expect(inputs(model.secretsManager, CreateSecretCommand)[0]).toMatchObject({
      Name: 'citystream/demo',
      Tags: TAGS,
    });
    expect(JSON.parse(inputs(model.secretsManager, CreateSecretCommand)[0]!.SecretString as string)).toEqual({
      apiToken: 'token-from-test-never-printed',
    });
    expect(inputs(model.iam, CreateRoleCommand)[0]).toMatchObject({
      RoleName: 'citystream-demo',
      Path: '/citystream/',
      Tags: TAGS,
    });
    expect(
      JSON.parse(inputs(model.iam, CreateRoleCommand)[0]!.AssumeRolePolicyDocument as string).Statement[0]
        .Principal,
    ).toEqual({ Service: 'ec2.amazonaws.com' });
    expect(inputs(model.iam, CreateInstanceProfileCommand)[0]).toMatchObject({
      InstanceProfileName: 'citystream-demo',
      Tags: TAGS,
    });
    expect(inputs(model.ec2, CreateKeyPairCommand)[0]).toMatchObject({
      KeyType: 'ed25519',
      TagSpecifications: [{ ResourceType: 'key-pair', Tags: TAGS }],
    });
    expect(inputs(model.ec2, CreateSecurityGroupCommand)[0]).toMatchObject({
      VpcId: model.vpcId,
      TagSpecifications: [{ ResourceType: 'security-group', Tags: TAGS }],
    });

    // Ingress: SSH and the API, each from the CIDR alone.
    const ingress = inputs(model.ec2, AuthorizeSecurityGroupIngressCommand)[0]!.IpPermissions as Array<{
      FromPort: number;
      ToPort: number;
      IpRanges: Array<{ CidrIp: string }>;
      IpProtocol: string;
    }>;
    expect(ingress.map((p) => [p.IpProtocol, p.FromPort, p.ToPort, p.IpRanges.map((r) => r.CidrIp)])).toEqual(
      [
        ['tcp', 22, 22, [CIDR]],
        ['tcp', 8082, 8082, [CIDR]],
      ],
    );

    const run = inputs(model.ec2, RunInstancesCommand)[0]!;
    expect(run).toMatchObject({
      ImageId: 'ami-0al2023current',
      InstanceType: 't3.small',
      MinCount: 1,
      MaxCount: 1,
      KeyName: 'citystream-demo',
      IamInstanceProfile: { Name: 'citystream-demo' },
      MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1, HttpEndpoint: 'enabled' },
      BlockDeviceMappings: [
        {
          DeviceName: '/dev/xvda',
          Ebs: { VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true, VolumeSize: 20 },
        },
      ],
      TagSpecifications: [
        { ResourceType: 'instance', Tags: [...TAGS, { Key: 'Name', Value: 'citystream-demo' }] },
        { ResourceType: 'volume', Tags: TAGS },
      ],
    });
    const userData = Buffer.from(run.UserData as string, 'base64').toString();
    expect(userData).toContain('dnf install -y nodejs22');
    expect(userData).not.toContain('token-from-test');
    expect(userData).not.toMatch(/AWS_ACCESS_KEY|AWS_SECRET/);

    // The policy: only the services' DynamoDB actions and the one secret, on named ARNs, no `*`.
    const policy = JSON.parse(inputs(model.iam, PutRolePolicyCommand)[0]!.PolicyDocument as string) as {
      Statement: Array<{ Action: string[]; Resource: string[] }>;
    };
    const resources = policy.Statement.flatMap((s) => s.Resource);
    expect(resources.some((r) => r.includes('*'))).toBe(false);
    expect(policy.Statement.flatMap((s) => s.Action).some((a) => a.includes('*'))).toBe(false);
    expect(policy.Statement[0]!.Action).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:DescribeTable',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    const table = (t: string) => `arn:aws:dynamodb:us-east-2:123456789012:table/citystream-demo-${t}`;
    expect(policy.Statement[0]!.Resource).toEqual([
      table('raw-events'),
      `${table('raw-events')}/index/by-city`,
      table('aggregations'),
      `${table('aggregations')}/index/by-day`,
      table('alerts'),
      `${table('alerts')}/index/by-day`,
      table('rollups'),
    ]);
    expect(policy.Statement[1]).toMatchObject({
      Action: ['secretsmanager:GetSecretValue'],
      Resource: ['arn:aws:secretsmanager:us-east-2:123456789012:secret:citystream/demo-AbCdEf'],
    });

    // Key and record: 0600, and the record holds no secret.
    const files = path.join(cwd, '.citystream/stacks');
    expect((await stat(path.join(files, 'demo.pem'))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(files, 'demo.aws.json'))).mode & 0o777).toBe(0o600);
    const record = await readFile(path.join(files, 'demo.aws.json'), 'utf8');
    expect(record).not.toContain('token-from-test');
    expect(record).not.toContain('PRIVATE KEY');
    expect(JSON.parse(record)).toMatchObject({ stack: 'demo', allowCidr: CIDR, keyName: 'citystream-demo' });
  });

  it('a re-run against what exists makes no Create call and says everything is kept', async () => {
    await deploy();
    const before = createCounts();
    const again = await deploy();
    expect(createCounts()).toEqual(before);
    expect(again.stderr).toMatch(/kept security-group citystream-demo/);
    expect(again.stdout).not.toMatch(/│ create/);
    expect(host.deploys).toHaveLength(2); // the services are deployed again (the --host deploy is idempotent)
  });

  it('corrects drifted ingress and a drifted policy, and says what it changed', async () => {
    await deploy();
    const group = [...model.groups.values()][0]!;
    group.permissions = [
      {
        IpProtocol: 'tcp',
        FromPort: 8082,
        ToPort: 8082,
        IpRanges: [{ CidrIp: '0.0.0.0/0' }, { CidrIp: CIDR }],
      },
      { IpProtocol: 'tcp', FromPort: 9092, ToPort: 9092, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
    ];
    model.roles.get('citystream-demo')!.policies.set(
      'citystream-services',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }],
      }),
    );
    const run = await deploy({});
    const revoked = inputs(model.ec2, RevokeSecurityGroupIngressCommand)[0]!.IpPermissions as Array<{
      FromPort: number;
      IpRanges: Array<{ CidrIp: string }>;
    }>;
    expect(revoked.map((p) => [p.FromPort, p.IpRanges.map((r) => r.CidrIp)])).toEqual([
      [8082, ['0.0.0.0/0']],
      [9092, ['0.0.0.0/0']],
    ]);
    const authorized = inputs(model.ec2, AuthorizeSecurityGroupIngressCommand);
    expect(authorized).toHaveLength(2);
    expect((authorized[1]!.IpPermissions as Array<{ FromPort: number }>).map((p) => p.FromPort)).toEqual([
      22,
    ]);
    expect(inputs(model.iam, PutRolePolicyCommand)).toHaveLength(2);
    expect(run.stderr).toContain(
      'changed security-group citystream-demo: allow 22/tcp from 203.0.113.7/32; revoke 8082/tcp from 0.0.0.0/0; revoke 9092/tcp from 0.0.0.0/0',
    );
    expect(run.stderr).toContain('changed role-policy citystream-services: rewrite the drifted policy');
    expect(
      group.permissions.flatMap((p) => (p.IpRanges ?? []).map((r) => `${p.FromPort} ${r.CidrIp}`)).sort(),
    ).toEqual([`22 ${CIDR}`, `8082 ${CIDR}`]);
    expect(inputs(model.ec2, RunInstancesCommand)).toHaveLength(1);
  });

  it('retries RunInstances while the new instance profile propagates, and then launches once', async () => {
    model.restore();
    model = new AwsModel({ profilePropagationFailures: 3 });
    await deploy();
    expect(inputs(model.ec2, RunInstancesCommand)).toHaveLength(4);
    expect(model.instances.size).toBe(1);
  });
});
