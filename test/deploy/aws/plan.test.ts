/** The pure parts of the AWS deploy: the plan, the policy, the host key, user-data, endpoints. No I/O, no mocks. */
import { describe, expect, it } from 'vitest';
import { createAwsClients, endpointFor } from '../../../src/clients/aws.js';
import { knownHostsLine } from '../../../src/deploy/aws/host-key.js';
import type { ObservedStack } from '../../../src/deploy/aws/observed.js';
import { planDeploy } from '../../../src/deploy/aws/plan.js';
import { samePolicy, servicesPolicy } from '../../../src/deploy/aws/policy.js';
import { desiredStack, validateCidr, type StackOptions } from '../../../src/deploy/aws/stack-spec.js';
import { loadUserDataTemplates, renderUserData } from '../../../src/deploy/aws/user-data.js';

const stackOptions = {
  name: 'demo',
  region: 'us-east-2',
  prefix: 'citystream-',
  allowCidr: '203.0.113.7/32',
  instanceType: 't3.small',
  kafka: 'embedded',
  brokers: [],
  rate: 5,
  producer: true,
  apiPort: 8082,
  billingMode: 'on-demand',
  version: '0.1.0',
} satisfies StackOptions;
const stack = desiredStack(stackOptions);
const ours = { 'citystream:stack': 'demo', 'citystream:version': '0.1.0' };
const arns = {
  tables: Object.fromEntries(
    stack.tables.map((t) => [t.kind, `arn:aws:dynamodb:us-east-2:1:table/${t.name}`]),
  ),
  secret: 'arn:aws:secretsmanager:us-east-2:1:secret:citystream/demo-Ab12',
};

function existing(): ObservedStack {
  return {
    readable: true,
    localKey: true,
    vpcId: 'vpc-1',
    imageId: 'ami-1',
    tables: stack.tables.map((t) => ({
      kind: t.kind,
      name: t.name,
      arn: arns.tables[t.kind],
      status: 'ACTIVE',
      tags: ours,
      ttlEnabled: t.kind === 'raw-events' || t.kind === 'alerts' ? true : undefined,
    })),
    secret: { name: 'citystream/demo', arn: arns.secret, tags: ours },
    role: {
      name: 'citystream-demo',
      arn: 'arn:aws:iam::1:role/citystream/citystream-demo',
      tags: ours,
      inlinePolicies: { 'citystream-services': servicesPolicy(stack, arns) },
      attachedPolicies: [],
    },
    instanceProfile: {
      name: 'citystream-demo',
      arn: 'arn:aws:iam::1:instance-profile/citystream/citystream-demo',
      tags: ours,
      roles: ['citystream-demo'],
    },
    keyPair: { name: 'citystream-demo', id: 'key-1', tags: ours },
    securityGroup: {
      id: 'sg-1',
      name: 'citystream-demo',
      tags: ours,
      ingress: [...stack.ingress],
      otherIngress: [],
    },
    instance: {
      id: 'i-1',
      state: 'running',
      type: 't3.small',
      tags: ours,
      publicIp: '198.51.100.1',
      httpTokens: 'required',
      hopLimit: 1,
      securityGroupIds: ['sg-1'],
    },
  };
}

const summary = (o: ObservedStack) => planDeploy(stack, o).actions.map((a) => `${a.resource}:${a.action}`);

describe('deploy plan', () => {
  it('keeps everything that exists as desired (only the services are deployed again)', () => {
    const plan = planDeploy(stack, existing());
    expect(summary(existing())).toEqual([
      'table:keep',
      'table:keep',
      'table:keep',
      'table:keep',
      'secret:keep',
      'iam-role:keep',
      'role-policy:keep',
      'instance-profile:keep',
      'key-pair:keep',
      'security-group:keep',
      'instance:keep',
      'services:change',
    ]);
    expect(plan.blockers).toEqual([]);
  });

  it('changes exactly what drifted, and says how', () => {
    const o = existing();
    o.securityGroup!.ingress = [{ protocol: 'tcp', port: 8082, cidr: '0.0.0.0/0' }, stack.ingress[1]!];
    o.securityGroup!.otherIngress = ['all/all from ::/0'];
    o.role!.inlinePolicies['citystream-services'] = {
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
    };
    o.role!.attachedPolicies = ['arn:aws:iam::aws:policy/AdministratorAccess'];
    o.instance!.httpTokens = 'optional';
    o.tables[0]!.ttlEnabled = false;
    const plan = planDeploy(stack, o);
    const changed = plan.actions.filter((a) => a.action === 'change').map((a) => [a.resource, a.detail]);
    expect(changed).toEqual([
      ['table', 'turn TTL on'],
      ['role-policy', 'rewrite the drifted policy; detach arn:aws:iam::aws:policy/AdministratorAccess'],
      [
        'security-group',
        'allow 22/tcp from 203.0.113.7/32; revoke 8082/tcp from 0.0.0.0/0; revoke all/all from ::/0',
      ],
      ['instance', 'require IMDSv2 (hop limit 1)'],
      ['services', expect.stringContaining('deploy --host')],
    ]);
  });

  it("blocks on resources with the stack's names but someone else's tags, a secret being deleted, or a lost key", () => {
    const o = existing();
    o.keyPair!.tags = {};
    o.secret!.deletedDate = new Date('2026-11-30T00:00:00Z');
    o.localKey = false;
    o.securityGroup!.tags = { 'citystream:stack': 'other' };
    const { blockers } = planDeploy(stack, o);
    expect(blockers).toEqual([
      expect.stringMatching(/^secret citystream\/demo is scheduled for deletion/),
      'key pair citystream-demo already exists and belongs to no citystream stack (untagged): the stack name "demo" is taken',
      'security group citystream-demo already exists and belongs to stack "other": the stack name "demo" is taken',
    ]);
    const lost = existing();
    lost.localKey = false;
    expect(planDeploy(stack, lost).blockers).toEqual([
      expect.stringMatching(
        /^key pair citystream-demo exists but its private key \.citystream\/stacks\/demo\.pem is not on this machine/,
      ),
    ]);
  });

  it('an empty, unreadable account plans every resource as create and says why', () => {
    const plan = planDeploy(stack, { readable: false, tables: [], localKey: false });
    expect(plan.actions.every((a) => a.action === 'create')).toBe(true);
    expect(plan.notes).toEqual([
      'no AWS credentials: this is the plan for an empty account (nothing could be read)',
    ]);
  });
});

describe('policy', () => {
  it('names every table and index ARN and the secret, with no wildcard', () => {
    const doc = servicesPolicy(stack, arns);
    expect(JSON.stringify(doc)).not.toContain('*');
    expect(doc.Statement.map((s) => s.Resource.length)).toEqual([7, 1]);
  });

  it('with --archive s3://, lets the role list only under the prefix and write and delete only its keys', () => {
    const archived = desiredStack({ ...stackOptions, archive: 's3://my-bucket/raw/city' });
    const doc = servicesPolicy(archived, arns);
    expect(doc.Statement.slice(2)).toEqual([
      {
        Sid: 'ArchiveList',
        Effect: 'Allow',
        Action: ['s3:ListBucket'],
        Resource: ['arn:aws:s3:::my-bucket'],
        Condition: { StringLike: { 's3:prefix': ['raw/city/*'] } },
      },
      {
        Sid: 'ArchiveObjects',
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        Resource: ['arn:aws:s3:::my-bucket/raw/city/*'],
      },
    ]);
    // Adding the archive is a change of the role's policy, so the plan updates it.
    expect(samePolicy(doc, servicesPolicy(stack, arns))).toBe(false);
    // A whole bucket: no prefix condition; a directory on the instance: no S3 grant at all.
    const whole = servicesPolicy(desiredStack({ ...stackOptions, archive: 's3://my-bucket' }), arns);
    expect(whole.Statement[2]).not.toHaveProperty('Condition');
    expect(whole.Statement[3]!.Resource).toEqual(['arn:aws:s3:::my-bucket/*']);
    const onDisk = servicesPolicy(desiredStack({ ...stackOptions, archive: 'file:///srv/archive' }), arns);
    expect(onDisk.Statement).toHaveLength(2);
  });

  it('compares documents by what they grant, not by order or string-vs-list', () => {
    const doc = servicesPolicy(stack, arns);
    const shuffled = {
      ...doc,
      Statement: [...doc.Statement].reverse().map((s) => ({ ...s, Action: [...s.Action].reverse() })),
    };
    expect(samePolicy(doc, shuffled)).toBe(true);
    const single = {
      Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: arns.secret }],
    };
    expect(
      samePolicy(single, {
        Statement: [{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [arns.secret] }],
      }),
    ).toBe(true);
    expect(samePolicy(doc, single)).toBe(false);
  });
});

describe('host key, user-data, CIDR, endpoints', () => {
  it('pins the strongest host key from the console output', () => {
    const console =
      'boot...\n-----BEGIN SSH HOST KEY KEYS-----\nssh-rsa AAAAB3rsa root@x\n[ 9.1] ssh-ed25519 AAAAC3ed= root@x\n-----END SSH HOST KEY KEYS-----\nlogin:';
    expect(knownHostsLine('198.51.100.1', console)).toBe('198.51.100.1 ssh-ed25519 AAAAC3ed=');
    expect(knownHostsLine('198.51.100.1', 'no keys yet')).toBeUndefined();
    expect(knownHostsLine('h', '-----BEGIN SSH HOST KEY KEYS-----\nssh-ed25519 AAAAC3x')).toBeUndefined(); // block not complete yet
  });

  it('renders user-data with Node 22, and Apache Kafka with its SHA-512 checked only for --kafka apache', async () => {
    const templates = await loadUserDataTemplates();
    const embedded = renderUserData(stack, templates);
    expect(embedded).toContain('dnf install -y nodejs22 nodejs22-npm');
    expect(embedded).toContain('--secret-id citystream/demo');
    expect(embedded).not.toContain('kafka-server-start');
    expect(embedded).not.toMatch(/\{\{/);
    const apache = renderUserData({ ...stack, kafka: 'apache' }, templates);
    expect(apache).toMatch(/echo "[0-9a-f]{128} {2}\/tmp\/kafka.tgz" \| sha512sum --check --strict -/);
    expect(apache.indexOf('sha512sum')).toBeLessThan(apache.indexOf('tar -xzf'));
    expect(apache).toContain('ExecStart=/opt/kafka/bin/kafka-server-start.sh /etc/kafka-kraft.properties');
    expect(apache).toContain('process.roles=broker,controller');
  });

  it('checks --allow-cidr', () => {
    expect(validateCidr('203.0.113.7/32', false)).toBe('203.0.113.7/32');
    expect(() => validateCidr('203.0.113.7', false)).toThrow(/not an IPv4 CIDR/);
    expect(() => validateCidr('0.0.0.0/0', false)).toThrow(/whole internet/);
    expect(validateCidr('0.0.0.0/0', true)).toBe('0.0.0.0/0');
  });

  it('honours AWS_ENDPOINT_URL and the per-service variables, and the region', async () => {
    const env = {
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:4600',
    };
    expect(endpointFor('ec2', env)).toBe('http://127.0.0.1:4566');
    expect(endpointFor('secrets', env)).toBe('http://127.0.0.1:4600');
    expect(endpointFor('ec2', { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' })).toBeUndefined();
    const clients = await createAwsClients({ target: 'local', region: 'eu-west-1', profile: 'ops' }, env);
    try {
      const host = async (c: {
        config: { endpoint?: () => Promise<{ hostname: string; port?: number }> };
      }) => {
        const e = await c.config.endpoint!();
        return `${e.hostname}:${e.port}`;
      };
      expect(await host(clients.ec2 as never)).toBe('127.0.0.1:4566');
      expect(await host(clients.secrets as never)).toBe('127.0.0.1:4600');
      expect(await host(clients.dynamo as never)).toBe('127.0.0.1:4566');
      expect(await clients.iam.config.region()).toBe('eu-west-1');
    } finally {
      clients.destroy();
    }
  });
});
