/**
 * teardown finds a stack by tag (no local record) and deletes it in dependency order. The AWS calls are
 * answered by the in-memory model on aws-sdk-client-mock (nothing here can serve EC2, IAM, Secrets
 * Manager or the Tagging API; the DynamoDB control calls are mocked in the same model).
 */
import { DeleteSecurityGroupCommand } from '@aws-sdk/client-ec2';
import { DeleteSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsModel } from './support/aws-model.js';
import {
  deploy as deployCommand,
  teardown as teardownCommand,
  recordingHostDeployer,
  runHandler,
  tempDir,
} from './support/harness.js';

let model: AwsModel;
beforeEach(() => {
  model = new AwsModel({ dependencyViolationsAfterTerminate: 2 });
});
afterEach(() => model.restore());

const overrides = { hostDeployer: recordingHostDeployer() };
async function deployed(stack = 'demo'): Promise<void> {
  await runHandler(
    deployCommand,
    { stack, allowCidr: '203.0.113.7/32', yes: true, instanceType: 't3.small', rate: 1 },
    { cwd: await tempDir(), overrides },
  );
}

const DELETES =
  /^(EC2\.(TerminateInstances|DeleteVolume|DeleteSecurityGroup|DeleteKeyPair)|IAM\.(RemoveRoleFromInstanceProfile|DeleteInstanceProfile|DeleteRolePolicy|DetachRolePolicy|DeleteRole)|SecretsManager\.DeleteSecret|DynamoDB\.DeleteTable)$/;

describe('teardown on AWS', () => {
  it('with no local record, finds everything by tag and deletes it in order, retrying DependencyViolation', async () => {
    await deployed();
    model.log.length = 0;
    const cwd = await tempDir(); // another machine: no .citystream/stacks/demo.aws.json, no key
    const out = await runHandler(teardownCommand, { stack: 'demo', yes: true }, { cwd, overrides });
    const deletes = model.log.filter((c) => DELETES.test(c));
    expect(deletes).toEqual([
      'EC2.TerminateInstances',
      'EC2.DeleteSecurityGroup',
      'EC2.DeleteSecurityGroup',
      'EC2.DeleteSecurityGroup',
      'EC2.DeleteKeyPair',
      'IAM.RemoveRoleFromInstanceProfile',
      'IAM.DeleteInstanceProfile',
      'IAM.DeleteRolePolicy',
      'IAM.DeleteRole',
      'SecretsManager.DeleteSecret',
      'DynamoDB.DeleteTable',
      'DynamoDB.DeleteTable',
      'DynamoDB.DeleteTable',
      'DynamoDB.DeleteTable',
    ]);
    // The instance was terminated (waited for) before the group was tried; its volume went with it.
    const terminatedAt = model.log.indexOf('EC2.TerminateInstances');
    expect(model.log.slice(terminatedAt, model.log.indexOf('EC2.DeleteSecurityGroup'))).toContain(
      'EC2.DescribeInstances',
    );
    const groupIds = model.ec2
      .commandCalls(DeleteSecurityGroupCommand)
      .map((c) => c.args[0].input.GroupId as string);
    expect(new Set(groupIds).size).toBe(1); // the same group, tried three times
    expect(groupIds[0]).toMatch(/^sg-/);
    expect(model.secretsManager.commandCalls(DeleteSecretCommand)[0]!.args[0].input).toMatchObject({
      ForceDeleteWithoutRecovery: true,
    });
    expect(model.taggedResources()).toEqual([]);
    expect(out.stderr).toMatch(/deleted instance citystream-demo \(i-/);
    expect(out.stderr).toMatch(/deleted table citystream-demo-rollups/);
    expect(out.stdout).toContain('stack demo torn down');

    const again = await runHandler(teardownCommand, { stack: 'demo', yes: true }, { cwd, overrides });
    expect(again.stdout.trim()).toBe('nothing is left of stack demo in us-east-2');
  });

  it('--keep-data keeps the tables and says so; --dry-run deletes nothing', async () => {
    await deployed();
    const cwd = await tempDir();
    const dry = await runHandler(
      teardownCommand,
      { stack: 'demo', dryRun: true, keepData: true },
      { cwd, overrides, json: true },
    );
    const plan = JSON.parse(dry.stdout) as { actions: Array<{ resource: string; action: string }> };
    expect(plan.actions.map((a) => `${a.resource} ${a.action}`)).toEqual([
      'instance delete',
      'volume delete',
      'security-group delete',
      'key-pair delete',
      'instance-profile delete',
      'iam-role delete',
      'secret delete',
      'table keep',
      'table keep',
      'table keep',
      'table keep',
    ]);
    expect(model.taggedResources('demo')).toHaveLength(11);
    const out = await runHandler(
      teardownCommand,
      { stack: 'demo', yes: true, keepData: true },
      { cwd, overrides },
    );
    expect(out.stderr).toContain('kept table citystream-demo-raw-events (--keep-data)');
    expect(out.stdout).toContain(
      'kept citystream-demo-raw-events, citystream-demo-aggregations, citystream-demo-alerts, citystream-demo-rollups',
    );
    expect(model.taggedResources('demo')).toEqual([...model.tables.values()].map((t) => t.arn));
    expect(model.secrets.size).toBe(0); // deleted without recovery window: a new stack "demo" can be made at once
  });

  it('--all-stacks --dry-run lists every citystream stack in the region', async () => {
    await deployed('alpha');
    await deployed('beta');
    const out = await runHandler(
      teardownCommand,
      { allStacks: true, dryRun: true },
      { cwd: await tempDir(), overrides, json: true },
    );
    const doc = JSON.parse(out.stdout) as { stacks: Array<{ stack: string; resources: number }> };
    expect(doc.stacks.map((s) => [s.stack, s.resources])).toEqual([
      ['alpha', 10], // tables 4, secret, key pair, group, instance, volume (Tagging API) + role (IAM path)
      ['beta', 10],
    ]);
    expect(model.log).not.toContain('EC2.TerminateInstances');
  });

  it('refuses without --yes when nobody can be asked', async () => {
    await deployed();
    await expect(
      runHandler(teardownCommand, { stack: 'demo' }, { cwd: await tempDir(), overrides }),
    ).rejects.toThrow(/refusing to do this without confirmation/);
    expect(model.taggedResources('demo')).toHaveLength(11);
  });
});
