import { DescribeTableCommand, TagResourceCommand } from '@aws-sdk/client-dynamodb';
import { UserError } from '../../errors.js';
import { createTables } from '../../store/tables.js';
import type { TableKind } from '../../store/table-definitions.js';
import { STEPS, type ApplyDeps, type Progress } from './apply-steps.js';
import { hostTarget } from './host-handover.js';
import type { HostDeployResult } from './host-deployer.js';
import { pinHostKey, waitForInstance } from './instance-ready.js';
import type { ObservedStack } from './observed.js';
import type { DeployPlan, PlanAction } from './plan.js';
import { SSH_PORT, tagList, type DesiredStack } from './stack-spec.js';
import { writeRecord, type StackRecord } from './stack-record.js';
import { DEFAULT_TIMING, pollUntil } from './timing.js';

/**
 * Carries out a deploy plan through the clients, in the plan's (dependency) order, then hands the
 * instance to the --host deploy. Every Create call tags its resource at creation; keep actions make no
 * call. Reports one line per resource as it goes.
 */

export interface ApplyResult {
  changed: PlanAction[];
  instanceId: string;
  publicIp: string;
  host: HostDeployResult;
  record: StackRecord;
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
