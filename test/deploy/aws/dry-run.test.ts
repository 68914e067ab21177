/**
 * `deploy --dry-run` through the CLI: the plan and the monthly cost table, checked against the dated
 * price table. AWS answers come from aws-sdk-client-mock stubs (the in-memory model): nothing here can
 * serve EC2, IAM, SSM, Secrets Manager or the Tagging API.
 */
import { DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { estimateCost, writesPerEvent } from '../../../src/deploy/aws/cost.js';
import { HOURS_PER_MONTH, PRICES, PRICES_DATE } from '../../../src/deploy/aws/prices.js';
import { desiredStack } from '../../../src/deploy/aws/stack-spec.js';
import { runCli } from '../../support/cli.js';
import { AwsModel, awsError } from './support/aws-model.js';
import { tempDir } from './support/harness.js';

let model: AwsModel;
beforeEach(() => {
  model = new AwsModel();
});
afterEach(() => model.restore());

const dryRun = async (...extra: string[]) =>
  runCli(
    [
      'deploy',
      '--stack',
      'demo',
      '--region',
      'us-east-2',
      '--allow-cidr',
      '203.0.113.7/32',
      '--dry-run',
      ...extra,
    ],
    { cwd: await tempDir() },
  );

describe('deploy --dry-run', () => {
  it('prints the plan for an empty account and a dated cost table for t3.small in us-east-2 at the default rate', async () => {
    const r = await dryRun();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const p = PRICES['us-east-2']!;
    const perEvent = 2 + 0.5 * 2 + 2 + 2; // raw + index, half the events alert (+ index), window + index, two rollup rows
    expect(writesPerEvent(['high', 'critical']).reduce((n, w) => n + w.writes * w.units, 0)).toBe(perEvent);
    const events = 5 * HOURS_PER_MONTH * 3600;
    const expected = {
      ec2: HOURS_PER_MONTH * p.ec2Hourly['t3.small']!,
      ebs: 20 * p.gp3GbMonth,
      ip: HOURS_PER_MONTH * p.publicIpv4Hourly,
      secret: p.secretMonth,
      writes: ((events * perEvent) / 1e6) * p.dynamoWriteMillion,
    };
    expect(r.stdout).toContain('plan for stack demo in us-east-2 (dry run: nothing changed)');
    const row = (...cells: string[]) =>
      new RegExp(`│ ${cells.map((c) => c.replace(/[.*+?^${}()|[\]\\$]/g, '\\$&')).join(' +│ ')} +│`);
    expect(r.stdout).toMatch(row('EC2 t3.small (on-demand)', '730 h', '$0.0208/h', expected.ec2.toFixed(2)));
    expect(r.stdout).toMatch(row('EBS gp3 root volume', '20 GB', '$0.08/GB-month', expected.ebs.toFixed(2)));
    expect(r.stdout).toMatch(row('public IPv4 address', '730 h', '$0.005/h', expected.ip.toFixed(2)));
    expect(r.stdout).toMatch(
      row('Secrets Manager secret', '1 secret', '$0.4/secret-month', expected.secret.toFixed(2)),
    );
    expect(r.stdout).toMatch(
      row(
        'DynamoDB writes (on-demand)',
        `${((events * perEvent) / 1e6).toFixed(1)}M WRU (5/s × 7 per event)`,
        '$0.625/million',
        expected.writes.toFixed(2),
      ),
    );
    expect(r.stdout).toContain(`estimate from list prices of ${PRICES_DATE} (us-east-2`);
    const cost = estimateCost(
      desiredStack({
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
      }),
      { ttlDays: 30, windowMinutes: 5, alertSeverities: ['high', 'critical'] },
    );
    const sum = Object.values(expected).reduce((a, b) => a + b, 0) + cost.lines[5]!.monthly;
    expect(cost.total).toBeCloseTo(sum, 1);
    expect(r.stdout).toMatch(
      new RegExp(`total \\(estimate\\)[ │]+${cost.total.toFixed(2).replace('.', '\\.')} +│`),
    );
    expect(model.log.filter((c) => /\.(Create|Put|Run|Authorize)/.test(c))).toEqual([]);
  });

  it('gives the exact plan as JSON: every resource to create, then the services', async () => {
    const r = await dryRun('--json');
    const doc = JSON.parse(r.stdout) as {
      plan: Array<{ resource: string; name: string; action: string }>;
      cost: { date: string; available: boolean };
    };
    expect(doc.plan.map((a) => `${a.resource} ${a.name} ${a.action}`)).toEqual([
      'table citystream-demo-raw-events create',
      'table citystream-demo-aggregations create',
      'table citystream-demo-alerts create',
      'table citystream-demo-rollups create',
      'secret citystream/demo create',
      'iam-role citystream-demo create',
      'role-policy citystream-services create',
      'instance-profile citystream-demo create',
      'key-pair citystream-demo create',
      'security-group citystream-demo create',
      'instance citystream-demo create',
      'services citystream 0.1.0 create',
    ]);
    expect(doc.cost).toMatchObject({ date: PRICES_DATE, available: true });
  });

  it('without credentials still prints the plan for an empty account, and says so', async () => {
    model.ec2
      .on(DescribeVpcsCommand)
      .rejects(awsError('CredentialsProviderError', 'Could not load credentials from any providers'));
    const r = await dryRun();
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      'note: no AWS credentials: this is the plan for an empty account (nothing could be read)',
    );
    expect(r.stdout).toContain('citystream-demo-raw-events');
    expect(r.stdout).toContain('total (estimate)');
  });

  it('says when a region has no prices in the table', async () => {
    const r = await runCli(
      ['deploy', '--stack', 'demo', '--region', 'ap-south-2', '--allow-cidr', '203.0.113.7/32', '--dry-run'],
      { cwd: await tempDir() },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`cost: no prices for t3.small in ap-south-2 in the table of ${PRICES_DATE}`);
  });
});
