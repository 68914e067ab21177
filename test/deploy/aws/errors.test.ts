/**
 * Each failure a user can act on is one line with what to do, and exit 2 (theirs) or 3 (AWS's). The AWS
 * answers, failures included, come from aws-sdk-client-mock stubs over the in-memory model: nothing here
 * can serve EC2, IAM, SSM, Secrets Manager or the Tagging API.
 */
import { DescribeVpcsCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { AwsModel, awsError } from './support/aws-model.js';
import { tempDir } from './support/harness.js';

let model: AwsModel;
beforeEach(() => {
  model = new AwsModel({ instantTables: true });
});
afterEach(() => model.restore());

async function deploy(...extra: string[]) {
  const r = await runCli(['deploy', '--stack', 'demo', '--allow-cidr', '203.0.113.7/32', '--yes', ...extra], {
    cwd: await tempDir(),
  });
  return {
    ...r,
    lines: r.stderr
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('Error:')),
  };
}

function expectOneLine(r: { code: number; lines: string[]; stderr: string }, code: number, pattern: RegExp) {
  expect(r.code).toBe(code);
  expect(r.lines).toHaveLength(1);
  expect(r.lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe('deploy on AWS: errors', () => {
  it('no credentials', async () => {
    model.ec2
      .on(DescribeVpcsCommand)
      .rejects(awsError('CredentialsProviderError', 'Could not load credentials from any providers'));
    expectOneLine(
      await deploy(),
      2,
      /^Error: no AWS credentials found — run `aws configure` \(or `aws sso login`\), set AWS_PROFILE, or pass --profile$/,
    );
  });

  it('expired token', async () => {
    model.ec2
      .on(DescribeVpcsCommand)
      .rejects(awsError('ExpiredToken', 'The security token included in the request is expired'));
    expectOneLine(
      await deploy(),
      2,
      /^Error: the AWS credentials have expired \(ExpiredToken\) — refresh them/,
    );
  });

  it('not authorised, naming the action', async () => {
    model.ec2
      .on(RunInstancesCommand)
      .rejects(awsError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403));
    expectOneLine(
      await deploy(),
      2,
      /^Error: not authorised to call ec2:RunInstances \(UnauthorizedOperation\) — grant ec2:RunInstances to your AWS identity/,
    );
  });

  it('vCPU limit: suggests a smaller type', async () => {
    model.ec2
      .on(RunInstancesCommand)
      .rejects(
        awsError(
          'VcpuLimitExceeded',
          'You have requested more vCPU capacity than your current vCPU limit of 0 allows',
        ),
      );
    expectOneLine(
      await deploy('--instance-type', 't3.large'),
      2,
      /^Error: the account's vCPU limit in us-east-2 leaves no room for a t3\.large \(VcpuLimitExceeded\) — use a smaller --instance-type/,
    );
  });

  it("insufficient capacity: AWS's side, suggests another type", async () => {
    model.ec2
      .on(RunInstancesCommand)
      .rejects(
        awsError(
          'InsufficientInstanceCapacity',
          'We currently do not have sufficient t3.small capacity',
          500,
        ),
      );
    expectOneLine(
      await deploy(),
      3,
      /^Error: AWS has no t3\.small capacity in us-east-2 right now \(InsufficientInstanceCapacity\) — try another --instance-type/,
    );
  });

  it('region unknown', async () => {
    model.ec2.on(DescribeVpcsCommand).rejects(
      Object.assign(new Error('getaddrinfo ENOTFOUND ec2.xx-nowhere-9.amazonaws.com'), {
        code: 'ENOTFOUND',
        hostname: 'ec2.xx-nowhere-9.amazonaws.com',
      }),
    );
    expectOneLine(
      await deploy('--region', 'xx-nowhere-9'),
      2,
      /^Error: region xx-nowhere-9 is unknown \(cannot resolve ec2\.xx-nowhere-9\.amazonaws\.com\) — pass an existing region/,
    );
    expectOneLine(await deploy('--region', 'moon'), 2, /^Error: region "moon" is not an AWS region name/);
  });

  it('secret scheduled for deletion', async () => {
    model.secrets.set('citystream/demo', {
      name: 'citystream/demo',
      arn: 'arn:aws:secretsmanager:us-east-2:123456789012:secret:citystream/demo-XyZ123',
      value: '{}',
      tags: { 'citystream:stack': 'demo' },
      deletedDate: new Date('2026-11-30T12:00:00Z'),
    });
    expectOneLine(
      await deploy(),
      2,
      /^Error: secret citystream\/demo is scheduled for deletion \(since 2026-11-30T12:00:00\.000Z\): restore it with `aws secretsmanager restore-secret --secret-id citystream\/demo`/,
    );
    expect(model.log.filter((c) => /Create|Run/.test(c))).toEqual([]);
  });

  it("a stack name taken by another owner's tags", async () => {
    model.roles.set('citystream-demo', {
      name: 'citystream-demo',
      arn: 'arn:aws:iam::123456789012:role/citystream-demo',
      path: '/',
      tags: { 'citystream:stack': 'someone-else' },
      policies: new Map(),
      attached: [],
    });
    expectOneLine(
      await deploy(),
      2,
      /^Error: IAM role citystream-demo already exists and belongs to stack "someone-else": the stack name "demo" is taken/,
    );
    expect(model.log.filter((c) => /Create|Run|Put/.test(c))).toEqual([]);
  });

  it('refuses 0.0.0.0/0 without --allow-any', async () => {
    const r = await runCli(['deploy', '--allow-cidr', '0.0.0.0/0', '--dry-run'], {
      cwd: await tempDir(),
    });
    expectOneLine(
      { ...r, lines: r.stderr.trim().split('\n') },
      2,
      /^Error: --allow-cidr 0\.0\.0\.0\/0 would open SSH and the API to the whole internet — give your own address/,
    );
    const ok = await runCli(['deploy', '--allow-cidr', '0.0.0.0/0', '--allow-any', '--dry-run', '--json'], {
      cwd: await tempDir(),
    });
    expect(ok.code).toBe(0);
    expect(
      JSON.parse(ok.stdout).plan.find((a: { resource: string }) => a.resource === 'security-group').detail,
    ).toBe('22/tcp from 0.0.0.0/0, 8082/tcp from 0.0.0.0/0');
  });
});
