import type { HostDeployer } from '../deploy/aws/host-deployer.js';
import type { AwsEnvironment, DeployFlags, TeardownFlags } from '../deploy/aws/stack.js';
import { UserError } from '../errors.js';
import { renderTable } from '../ui/table.js';
import { confirmDestructive } from './confirm-prompt.js';
import type { Context } from './context.js';
import { defineCommand, defineGroup } from './define-command.js';
import { numberInRange } from './option-parsers.js';

/**
 * The AWS side of `deploy`, `status` and `teardown` as thin handlers: they turn the Context into what
 * src/deploy/aws needs and render its documents. At merge they become the no-`--host` branch of the
 * shared deploy/status/teardown commands; until then they live under `citystream aws-deploy`.
 */

/** What tests (and the merge) replace: the host deployer, clients, timing. */
export type AwsOverrides = Partial<
  Omit<AwsEnvironment, 'config' | 'env' | 'cwd' | 'report' | 'brokersGiven'>
>;

/** Until the --host deploy is merged, the AWS deploy stops after the infrastructure with this. */
export const pendingHostDeployer: HostDeployer = {
  async deploy() {
    throw new UserError(
      'the instance is ready, but this build has no --host deploy to install the services on it',
      {
        hint: 'the infrastructure is in place; run deploy again once `deploy --host` is available',
      },
    );
  },
  async status() {
    return [];
  },
};

function environment(ctx: Context, overrides: AwsOverrides): AwsEnvironment {
  const source = ctx.sources.brokers;
  return {
    config: ctx.config,
    brokersGiven: source !== undefined && source !== 'default',
    env: ctx.io.env,
    cwd: ctx.io.cwd,
    signal: ctx.signal,
    report: (line) => ctx.out.info(line),
    hostDeployer: pendingHostDeployer,
    ...overrides,
  };
}

export interface DeployAwsFlags extends DeployFlags {
  yes?: boolean;
}

export async function deployAws(
  ctx: Context,
  flags: DeployAwsFlags,
  overrides: AwsOverrides = {},
): Promise<void> {
  const { deployStack } = await import('../deploy/aws/stack.js');
  const outcome = await deployStack(environment(ctx, overrides), flags, (plan) =>
    confirmDestructive(
      ctx,
      `Create or change ${plan.actions.filter((a) => a.action !== 'keep').length} resource(s) in ${plan.region} (this costs money)?`,
      Boolean(flags.yes),
    ),
  );
  const { plan, cost } = outcome;
  for (const note of plan.notes) ctx.out.info(`note: ${note}`);
  for (const blocker of plan.blockers) ctx.out.warn(blocker);
  const document = {
    dry_run: Boolean(flags.dryRun),
    stack: plan.stack,
    region: plan.region,
    plan: plan.actions,
    blockers: plan.blockers,
    notes: plan.notes,
    cost,
    host_commands: outcome.hostCommands,
    ...(outcome.applied
      ? {
          instance: outcome.applied.instanceId,
          address: outcome.applied.publicIp,
          release: outcome.applied.host.release,
        }
      : {}),
  };
  ctx.out.result(document, () => {
    const table = renderTable(
      ['resource', 'name', 'action', 'detail'],
      plan.actions.map((a) => [a.resource, a.id ? `${a.name} (${a.id})` : a.name, a.action, a.detail]),
    );
    const costText = cost.available
      ? `${renderTable(
          ['monthly cost', 'quantity', 'unit price', 'USD/month'],
          [
            ...cost.lines.map((l) => [l.item, l.quantity, l.unitPrice, l.monthly.toFixed(2)]),
            ['total (estimate)', '', '', cost.total.toFixed(2)],
          ],
        )}\n${cost.note}`
      : `cost: ${cost.note}`;
    const hosts =
      outcome.hostCommands.length > 0
        ? `\nhost commands:\n${outcome.hostCommands.map((c) => `  ${c}`).join('\n')}`
        : '';
    const done = outcome.applied
      ? `\nstack ${plan.stack} deployed: API at http://${outcome.applied.publicIp}:${outcome.stack.apiPort}/api/v1 (token in secret ${outcome.stack.secretName})`
      : '';
    return `${flags.dryRun ? `plan for stack ${plan.stack} in ${plan.region} (dry run: nothing changed)\n` : ''}${table}\n${costText}${hosts}${done}`;
  });
}

export async function statusAws(
  ctx: Context,
  flags: { stack?: string },
  overrides: AwsOverrides = {},
): Promise<void> {
  const { stackStatus } = await import('../deploy/aws/stack.js');
  const status = await stackStatus(environment(ctx, overrides), flags);
  ctx.out.result(status, () => {
    const resources = renderTable(
      ['resource', 'id', 'name', 'state'],
      status.found.resources.map((r) => [
        r.kind,
        r.id,
        r.name,
        r.state ?? (r.kind === 'instance' ? '' : 'exists'),
      ]),
      `nothing of stack ${status.stack} exists in ${status.region}`,
    );
    const services = status.services
      ? renderTable(
          ['service', 'state', 'detail'],
          status.services.map((s) => [s.name, s.state, s.detail ?? '']),
        )
      : `services: ${status.servicesNote}`;
    return `${resources}\n${services}`;
  });
}

export interface TeardownAwsFlags extends TeardownFlags {
  yes?: boolean;
}

export async function teardownAws(
  ctx: Context,
  flags: TeardownAwsFlags,
  overrides: AwsOverrides = {},
): Promise<void> {
  const { allStacks, teardownStack } = await import('../deploy/aws/stack.js');
  const envt = environment(ctx, overrides);
  if (flags.allStacks) {
    if (!flags.dryRun)
      throw new UserError('--all-stacks only lists stacks', {
        hint: 'add --dry-run, then tear down each with --stack NAME',
      });
    const stacks = await allStacks(envt);
    ctx.out.result({ region: ctx.config.region, stacks }, () =>
      renderTable(
        ['stack', 'resources', 'kinds'],
        stacks.map((s) => [s.stack, s.resources, s.kinds.join(', ')]),
        `no citystream stacks in ${ctx.config.region}`,
      ),
    );
    return;
  }
  const outcome = await teardownStack(envt, flags, (actions) =>
    confirmDestructive(
      ctx,
      `Delete ${actions.filter((a) => a.action === 'delete').length} resource(s) of stack ${flags.stack ?? 'main'}${flags.keepData ? '' : ', including the tables and their data'}?`,
      Boolean(flags.yes),
    ),
  );
  for (const arn of outcome.unconfirmed)
    ctx.out.info(`note: the Tagging API still lists ${arn} (already gone, or not a kind citystream creates)`);
  const nothing = outcome.actions.every((a) => a.action === 'keep');
  ctx.out.result({ dry_run: Boolean(flags.dryRun), ...outcome }, () => {
    if (outcome.actions.length === 0) return `nothing is left of stack ${outcome.stack} in ${outcome.region}`;
    const table = renderTable(
      ['resource', 'id', 'action', 'detail'],
      outcome.actions.map((a) => [a.resource, a.id, a.action, a.detail]),
    );
    const kept = outcome.actions.filter((a) => a.action === 'keep').map((a) => a.name);
    const tail = flags.dryRun
      ? '\n(dry run: nothing deleted)'
      : nothing
        ? `\nnothing else is left of stack ${outcome.stack}`
        : `\nstack ${outcome.stack} torn down${kept.length ? `; kept ${kept.join(', ')}` : ''}`;
    return `${table}${tail}`;
  });
}

const stackOption = { flags: '--stack <name>', description: 'stack name (default main)' };

export const awsDeployGroup = defineGroup({
  name: 'aws-deploy',
  description:
    'the pipeline on AWS: EC2, IAM, Secrets Manager and the tables (temporary group; becomes deploy/status/teardown)',
  examples: [
    'citystream aws-deploy deploy --stack demo --dry-run',
    'citystream aws-deploy deploy --stack demo --region eu-west-1 --allow-cidr 203.0.113.7/32 --yes',
    'citystream aws-deploy status --stack demo',
    'citystream aws-deploy teardown --stack demo --keep-data --yes',
    'citystream aws-deploy teardown --all-stacks --dry-run',
  ],
  commands: [
    defineCommand<DeployAwsFlags>({
      name: 'deploy',
      description: 'create or converge the stack on AWS, then deploy the services on its instance',
      examples: [
        'citystream aws-deploy deploy --stack demo --dry-run',
        'citystream aws-deploy deploy --stack demo --kafka apache --yes',
      ],
      settings: ['apiPort', 'billingMode'],
      options: [
        stackOption,
        {
          flags: '--allow-cidr <cidr>',
          description: 'who may reach SSH and the API (default: your public address /32)',
        },
        { flags: '--allow-any', description: 'allow --allow-cidr 0.0.0.0/0' },
        { flags: '--instance-type <type>', description: 'EC2 instance type', default: 't3.small' },
        {
          flags: '--kafka <mode>',
          description: 'Kafka on the instance: embedded | apache (default embedded; not with --brokers)',
          choices: ['embedded', 'apache'],
        },
        {
          flags: '--rate <n>',
          description: 'events per second the producer sends',
          parse: numberInRange(0, 10_000),
          default: 5,
        },
        { flags: '--no-producer', description: 'run no producer on the instance' },
        { flags: '--dry-run', description: 'print the plan and the monthly cost estimate; change nothing' },
        { flags: '-y, --yes', description: 'do not ask for confirmation' },
      ],
      handler: (ctx, flags) => deployAws(ctx, flags),
    }),
    defineCommand<{ stack?: string }>({
      name: 'status',
      description: "every tagged resource of the stack and its state, then the services' status",
      examples: ['citystream aws-deploy status --stack demo --json'],
      options: [stackOption],
      handler: (ctx, flags) => statusAws(ctx, flags),
    }),
    defineCommand<TeardownAwsFlags>({
      name: 'teardown',
      description: 'delete everything tagged for the stack (found by tag, also without the local record)',
      examples: [
        'citystream aws-deploy teardown --stack demo --dry-run',
        'citystream aws-deploy teardown --all-stacks --dry-run',
      ],
      options: [
        stackOption,
        { flags: '--keep-data', description: 'keep the four tables and their data' },
        { flags: '--all-stacks', description: 'with --dry-run: list every citystream stack in the region' },
        { flags: '--dry-run', description: 'show what would be deleted; delete nothing' },
        { flags: '-y, --yes', description: 'do not ask for confirmation' },
      ],
      handler: (ctx, flags) => teardownAws(ctx, flags),
    }),
  ],
});
