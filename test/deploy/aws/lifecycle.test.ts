/**
 * deploy → status → teardown against a stateful in-memory model of the AWS calls (test/deploy/aws/
 * support/aws-model.ts, built on aws-sdk-client-mock: nothing here can serve EC2, IAM, SSM, Secrets
 * Manager or the Tagging API, and the DynamoDB control calls are modelled alongside so the state is one).
 * The --host deploy is a recording fake; the test proves what it is handed.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsModel, HOST_KEY } from './support/aws-model.js';
import {
  deploy as deployCommand,
  status as statusCommand,
  teardown as teardownCommand,
  recordingHostDeployer,
  runHandler,
  tempDir,
} from './support/harness.js';

let model: AwsModel | undefined;
afterEach(() => model?.restore());

describe('AWS stack lifecycle (in-memory model)', () => {
  it('deploys, reports status, tears down to zero tagged resources, and a second teardown finds nothing', async () => {
    model = new AwsModel({ profilePropagationFailures: 2, dependencyViolationsAfterTerminate: 2 });
    const cwd = await tempDir();
    const host = recordingHostDeployer();
    const overrides = { hostDeployer: host, findAddress: async () => '203.0.113.7' };

    const deployed = await runHandler(
      deployCommand,
      { stack: 'demo', yes: true, instanceType: 't3.small', rate: 5 },
      { cwd, overrides },
    );
    expect(deployed.stdout).toContain('stack demo deployed: API at http://198.51.100.');
    expect(deployed.stderr).toContain('note: --allow-cidr defaults to your public address: 203.0.113.7/32');
    expect(model.taggedResources('demo')).toHaveLength(4 + 1 + 1 + 1 + 1 + 1 + 1 + 1); // tables, secret, role, profile, key, group, instance, volume
    expect(model.log.filter((c) => c === 'EC2.RunInstances')).toHaveLength(3); // two propagation refusals, then launched

    // The SSH part is handed the instance, the pinned host key and the key file.
    expect(host.deploys).toHaveLength(1);
    const target = host.deploys[0]!;
    const keyFile = path.join(cwd, '.citystream/stacks/demo.pem');
    expect(target).toMatchObject({ user: 'ec2-user', port: 22, identityFile: keyFile, stack: 'demo' });
    expect(target.hostKey).toBe(`${target.host} ssh-ed25519 ${HOST_KEY}`);
    expect(target.settings).toMatchObject({
      target: 'aws',
      region: 'us-east-2',
      tablePrefix: 'citystream-demo-',
      secretId: 'citystream/demo',
    });
    expect(JSON.stringify(target)).not.toContain('token-from-test');
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);

    const status = await runHandler(statusCommand, { stack: 'demo' }, { cwd, overrides, json: true });
    const doc = JSON.parse(status.stdout) as {
      found: { resources: Array<{ kind: string; state?: string }> };
      services: Array<{ name: string }>;
    };
    expect(doc.found.resources.map((r) => r.kind)).toEqual([
      'instance',
      'volume',
      'security-group',
      'key-pair',
      'instance-profile',
      'iam-role',
      'secret',
      'table',
      'table',
      'table',
      'table',
    ]);
    expect(doc.found.resources[0]!.state).toBe('running');
    expect(doc.services.map((s) => s.name)).toEqual([
      'citystream-broker',
      'citystream-processor',
      'citystream-api',
    ]);
    expect(host.statuses[0]!.hostKey).toBe(target.hostKey);

    const torn = await runHandler(teardownCommand, { stack: 'demo', yes: true }, { cwd, overrides });
    expect(torn.stdout).toContain('stack demo torn down');
    expect(torn.stderr).toMatch(/deleted instance/);
    expect(model.taggedResources()).toEqual([]);
    expect(model.tables.size + model.secrets.size + model.roles.size + model.profiles.size).toBe(0);
    await expect(stat(keyFile)).rejects.toThrow(/ENOENT/);

    const again = await runHandler(teardownCommand, { stack: 'demo', yes: true }, { cwd, overrides });
    expect(again.stdout.trim()).toBe('nothing is left of stack demo in us-east-2');
  });
});
