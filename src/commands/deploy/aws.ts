import { isGiven } from '../../config/resolve-config.js';
import type { AwsEnvironment, DeployFlags, TeardownFlags } from '../../deploy/aws/stack.js';
import { UserError } from '../../errors.js';
import { renderTable } from '../../ui/table.js';
import { confirmDestructive } from '../confirm-prompt.js';
import type { Context } from '../context.js';
import { deployIO } from './host-flags.js';

/**
 * The AWS side of `deploy`, `status` and `teardown` (their branch without `--host`) as thin handlers:
 * they turn the Context into what src/deploy/aws needs and render its documents.
 */

/** What tests (and the merge) replace: the host deployer, clients, timing. */
export type AwsOverrides = Partial<
  Omit<AwsEnvironment, 'config' | 'env' | 'cwd' | 'report' | 'brokersGiven'>
>;

async function environment(ctx: Context, overrides: AwsOverrides): Promise<AwsEnvironment> {
  const source = ctx.sources.brokers;
  const hostDeployer =
    overrides.hostDeployer ??
    (await import('../../deploy/aws/ssh-host-deployer.js')).sshHostDeployer(await deployIO(ctx));
  return {
    config: ctx.config,
    brokersGiven: isGiven(source),
    env: ctx.io.env,
    cwd: ctx.io.cwd,
    signal: ctx.signal,
    report: (line) => ctx.out.info(line),
    ...overrides,
    hostDeployer,
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
  const { deployStack } = await import('../../deploy/aws/stack.js');
  const outcome = await deployStack(await environment(ctx, overrides), flags, (plan) =>
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
  const { stackStatus } = await import('../../deploy/aws/stack.js');
  const status = await stackStatus(await environment(ctx, overrides), flags);
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
  const { allStacks, teardownStack, DEFAULT_STACK } = await import('../../deploy/aws/stack.js');
  const envt = await environment(ctx, overrides);
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
      `Delete ${actions.filter((a) => a.action === 'delete').length} resource(s) of stack ${flags.stack ?? DEFAULT_STACK}${flags.keepData ? '' : ', including the tables and their data'}?`,
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
