/**
 * The real HostDeployer (src/deploy/aws/ssh-host-deployer.ts) is what `deploy` without --host hands the
 * instance to: deployToHost is replaced by a recorder (there is no real host here), everything above it
 * is the production path against the in-memory AWS model.
 */
import { access, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hostTarget } from '../../../src/deploy/aws/host-handover.js';
import { sshDeployArgs } from '../../../src/deploy/aws/ssh-host-deployer.js';
import { SECRET_LAUNCHER, desiredStack } from '../../../src/deploy/aws/stack-spec.js';
import { stackFiles } from '../../../src/deploy/aws/stack-record.js';
import type { DeployIO, DeployRequest, DeployResult } from '../../../src/deploy/deploy.js';
import type { StackStatus } from '../../../src/deploy/operate.js';
import type { HostTarget } from '../../../src/deploy/options.js';
import { writeStackRecord } from '../../../src/deploy/stack-record.js';
import { AwsModel, HOST_KEY } from './support/aws-model.js';
import { deploy, runHandler, status, teardown, tempDir } from './support/harness.js';

const calls = vi.hoisted(() => [] as Array<{ target: HostTarget; request: DeployRequest }>);

vi.mock('../../../src/deploy/deploy.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/deploy/deploy.js')>();
  return {
    ...real,
    // Records its arguments and writes the host record as the real one does; no SSH.
    async deployToHost(target: HostTarget, request: DeployRequest, io: DeployIO): Promise<DeployResult> {
      calls.push({ target: structuredClone(target), request: structuredClone(request) });
      await writeStackRecord(io.stacksDir, {
        name: request.stack!,
        host: target.host,
        user: target.user,
        port: target.port,
        identityFile: target.identityFile,
        hostKey: target.knownHostsLine ?? '',
        services: ['processor', 'api', 'producer'],
        apiPort: request.ports?.api ?? 8082,
        kafka: 'embedded',
        brokers: ['127.0.0.1:9092'],
      });
      return {
        stack: request.stack!,
        host: target.host,
        release: '0.1.0-abc',
        changed: true,
        restarted: [],
        started: ['broker', 'processor', 'api', 'producer'],
        removed: [],
        services: ['broker', 'processor', 'api', 'producer'],
        api: `http://${target.host}:8082/api/v1`,
        brokers: ['127.0.0.1:9092'],
        durationMs: 1,
      };
    },
  };
});

const statusCalls = vi.hoisted(() => [] as Array<{ stack: string; target?: HostTarget }>);

vi.mock('../../../src/deploy/operate.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../src/deploy/operate.js')>();
  return {
    ...real,
    async stackStatus(selector: { stack: string; target?: HostTarget }): Promise<StackStatus> {
      statusCalls.push(structuredClone(selector));
      return {
        stack: selector.stack,
        host: selector.target?.host ?? '',
        release: '0.1.0-abc',
        services: [
          {
            service: 'api',
            unit: 'citystream-api',
            state: 'active',
            subState: 'running',
            since: null,
            restarts: 0,
            enabled: 'enabled',
          },
        ],
        api: { url: null, health: 200 },
        lag: null,
      };
    },
  };
});

let model: AwsModel | undefined;
afterEach(() => {
  model?.restore();
  calls.length = 0;
  statusCalls.length = 0;
});

const stackOf = (kafka: 'embedded' | 'apache' | 'external') =>
  desiredStack({
    name: 'demo',
    region: 'eu-west-1',
    prefix: 'citystream-',
    allowCidr: '203.0.113.7/32',
    instanceType: 't3.small',
    kafka,
    brokers: kafka === 'external' ? ['b-1.msk.example:9092'] : [],
    rate: 5,
    producer: true,
    apiPort: 8082,
    billingMode: 'on-demand',
    version: '0.1.0',
  });

describe('the SSH HostDeployer', () => {
  it('maps the AWS host target onto deployToHost: pinned key, key file, launcher, tables, Kafka', () => {
    const files = stackFiles('/work', '.citystream', 'demo');
    const line = `198.51.100.7 ssh-ed25519 ${HOST_KEY}`;
    const embedded = sshDeployArgs(hostTarget(stackOf('embedded'), '198.51.100.7', line, files));
    expect(embedded.target).toEqual({
      host: '198.51.100.7',
      user: 'ec2-user',
      port: 22,
      identityFile: '/work/.citystream/stacks/demo.pem',
      knownHostsLine: line,
    });
    expect(embedded.request).toMatchObject({
      stack: 'demo',
      kafka: 'embedded',
      brokers: [],
      brokerListen: '127.0.0.1',
      brokerAdvertised: '127.0.0.1',
      dynamodb: 'aws',
      region: 'eu-west-1',
      prefix: 'citystream-demo-',
      execPrefix: SECRET_LAUNCHER,
      secrets: {},
    });
    expect(embedded.request.ports?.api).toBe(8082);
    // Apache Kafka runs as kafka.service from user-data: no broker unit, the services use 127.0.0.1:9092.
    expect(sshDeployArgs(hostTarget(stackOf('apache'), '198.51.100.7', line, files)).request).toMatchObject({
      kafka: 'external',
      brokers: ['127.0.0.1:9092'],
    });
    expect(sshDeployArgs(hostTarget(stackOf('external'), '198.51.100.7', line, files)).request).toMatchObject(
      { kafka: 'external', brokers: ['b-1.msk.example:9092'] },
    );
  });

  it('deploys --archive s3:// to the processor and grants the role that prefix alone (AWS mocked)', async () => {
    model = new AwsModel({ instantTables: true });
    const cwd = await tempDir();
    const overrides = { findAddress: async () => '203.0.113.7' };
    const flags = { stack: 'demo', yes: true, archive: 's3://my-bucket/raw' };
    await runHandler(deploy, flags, { cwd, overrides });
    expect(calls.at(-1)!.request.archive).toBe('s3://my-bucket/raw');
    const policy = JSON.parse(
      decodeURIComponent(model.roles.get('citystream-demo')!.policies.get('citystream-services')!),
    ) as { Statement: Array<{ Sid: string; Resource: string[] }> };
    expect(policy.Statement.find((st) => st.Sid === 'ArchiveObjects')?.Resource).toEqual([
      'arn:aws:s3:::my-bucket/raw/*',
    ]);
    await runHandler(teardown, { stack: 'demo', yes: true }, { cwd, overrides });
  });

  it('is what deploy without --host uses; both records live side by side; teardown removes both', async () => {
    model = new AwsModel({ instantTables: true });
    const cwd = await tempDir();
    const overrides = { findAddress: async () => '203.0.113.7' }; // no hostDeployer: the default one
    const deployed = await runHandler(deploy, { stack: 'demo', yes: true }, { cwd, overrides });
    expect(deployed.stdout).toContain('stack demo deployed');

    expect(calls).toHaveLength(1);
    const { target, request } = calls[0]!;
    const dir = path.join(cwd, '.citystream/stacks');
    expect(target.knownHostsLine).toBe(`${target.host} ssh-ed25519 ${HOST_KEY}`);
    expect(target.identityFile).toBe(path.join(dir, 'demo.pem'));
    expect(request.execPrefix).toBe(SECRET_LAUNCHER);
    expect(JSON.stringify(calls)).not.toContain('token-from-test');
    expect((await readdir(dir)).sort()).toEqual(['demo.aws.json', 'demo.json', 'demo.pem']);

    // The host record does not hide the AWS stack: status without --host goes to AWS.
    const shown = await runHandler(status, { stack: 'demo' }, { cwd, overrides, json: true });
    expect(JSON.parse(shown.stdout)).toMatchObject({
      stack: 'demo',
      region: 'us-east-2',
      services: [{ name: 'citystream-api', state: 'active', detail: 'running' }],
    });
    expect(statusCalls[0]!.target).toEqual(target);

    await runHandler(teardown, { stack: 'demo', yes: true }, { cwd, overrides });
    for (const f of ['demo.aws.json', 'demo.json', 'demo.pem'])
      await expect(access(path.join(dir, f))).rejects.toThrow(/ENOENT/);
  });
});
