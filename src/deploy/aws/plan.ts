import { TTL_ATTRIBUTE, TTL_KINDS, type TableKind } from '../../store/table-definitions.js';
import { servicesPolicy, samePolicy, type PolicyArns } from './policy.js';
import type { ObservedStack } from './observed.js';
import { STACK_TAG, type DesiredStack, type IngressRule } from './stack-spec.js';

/**
 * The deploy plan: a pure function of the desired stack and what exists. Each resource gets one action:
 * create it, keep it, or change it (with what changes); `apply.ts` carries the actions out in this order,
 * which is the dependency order. Resources that carry our name but another owner's tags are blockers:
 * the plan shows them and apply refuses to start.
 */

export type ResourceKind =
  | 'table'
  | 'secret'
  | 'iam-role'
  | 'role-policy'
  | 'instance-profile'
  | 'key-pair'
  | 'security-group'
  | 'instance'
  | 'services';

export type ActionKind = 'create' | 'keep' | 'change' | 'delete';

export interface PlanAction {
  resource: ResourceKind;
  name: string;
  id?: string;
  action: ActionKind;
  detail: string;
}

export interface DeployPlan {
  stack: string;
  region: string;
  actions: PlanAction[];
  /** Problems that stop apply (a name taken by someone else, a secret being deleted, a lost key). */
  blockers: string[];
  /** Said with the plan: e.g. that it is for an empty account because nothing could be read. */
  notes: string[];
}

export function planDeploy(stack: DesiredStack, observed: ObservedStack): DeployPlan {
  const actions: PlanAction[] = [];
  const blockers: string[] = [];
  const notes: string[] = [];
  if (!observed.readable) {
    notes.push('no AWS credentials: this is the plan for an empty account (nothing could be read)');
  }
  if (observed.readable && !observed.vpcId) {
    blockers.push(
      `${stack.region} has no default VPC to put the instance in: create one with \`aws ec2 create-default-vpc --region ${stack.region}\``,
    );
  }
  const owned = (what: string, tags: Record<string, string>): boolean => {
    if (tags[STACK_TAG] === stack.name) return true;
    const owner = tags[STACK_TAG] ? `stack "${tags[STACK_TAG]}"` : 'no citystream stack (untagged)';
    blockers.push(`${what} already exists and belongs to ${owner}: the stack name "${stack.name}" is taken`);
    return false;
  };

  for (const t of stack.tables) {
    const seen = observed.tables.find((o) => o.kind === t.kind);
    if (!seen) {
      actions.push({ resource: 'table', name: t.name, action: 'create', detail: tableDetail(stack, t.kind) });
      continue;
    }
    // A table can be untagged only if a deploy stopped between CreateTable and TagResource: tag it.
    if (seen.tags[STACK_TAG] && !owned(`table ${t.name}`, seen.tags)) continue;
    const changes = [
      ...(seen.tags[STACK_TAG] ? [] : ['add tags']),
      ...(seen.ttlEnabled === false ? ['turn TTL on'] : []),
    ];
    actions.push(
      changes.length > 0
        ? { resource: 'table', name: t.name, action: 'change', detail: changes.join('; ') }
        : { resource: 'table', name: t.name, action: 'keep', detail: seen.status },
    );
  }

  const secret = observed.secret;
  if (!secret) {
    actions.push({
      resource: 'secret',
      name: stack.secretName,
      action: 'create',
      detail: 'generated API token' + (stack.kafka === 'external' ? ', Kafka credentials if set' : ''),
    });
  } else if (owned(`secret ${stack.secretName}`, secret.tags)) {
    if (secret.deletedDate) {
      blockers.push(
        `secret ${stack.secretName} is scheduled for deletion (since ${secret.deletedDate.toISOString()}): restore it with \`aws secretsmanager restore-secret --secret-id ${stack.secretName}\`, or finish with \`citystream teardown --stack ${stack.name}\``,
      );
    }
    actions.push({
      resource: 'secret',
      name: stack.secretName,
      id: secret.arn,
      action: 'keep',
      detail: 'API token unchanged',
    });
  }

  const arns: PolicyArns = {
    tables: Object.fromEntries(observed.tables.filter((t) => t.arn).map((t) => [t.kind, t.arn])),
    secret: secret?.arn,
  };
  const role = observed.role;
  if (!role) {
    actions.push({
      resource: 'iam-role',
      name: stack.roleName,
      action: 'create',
      detail: 'assumed by EC2 only',
    });
    actions.push({
      resource: 'role-policy',
      name: stack.policyName,
      action: 'create',
      detail: policyDetail(stack, arns),
    });
  } else if (owned(`IAM role ${stack.roleName}`, role.tags)) {
    actions.push({ resource: 'iam-role', name: stack.roleName, id: role.arn, action: 'keep', detail: '' });
    const current = role.inlinePolicies[stack.policyName];
    const extra = Object.keys(role.inlinePolicies).filter((n) => n !== stack.policyName);
    const changes = [
      ...(current === undefined
        ? ['put the policy']
        : samePolicy(current, servicesPolicy(stack, arns))
          ? []
          : ['rewrite the drifted policy']),
      ...extra.map((n) => `delete inline policy ${n}`),
      ...role.attachedPolicies.map((p) => `detach ${p}`),
    ];
    actions.push({
      resource: 'role-policy',
      name: stack.policyName,
      action: changes.length > 0 ? 'change' : 'keep',
      detail: changes.length > 0 ? changes.join('; ') : policyDetail(stack, arns),
    });
  }

  const profile = observed.instanceProfile;
  if (!profile) {
    actions.push({
      resource: 'instance-profile',
      name: stack.instanceProfileName,
      action: 'create',
      detail: `with role ${stack.roleName}`,
    });
  } else if (owned(`instance profile ${stack.instanceProfileName}`, profile.tags)) {
    const hasRole = profile.roles.length === 1 && profile.roles[0] === stack.roleName;
    actions.push({
      resource: 'instance-profile',
      name: stack.instanceProfileName,
      id: profile.arn,
      action: hasRole ? 'keep' : 'change',
      detail: hasRole ? `with role ${stack.roleName}` : `set its role to ${stack.roleName}`,
    });
  }

  const key = observed.keyPair;
  if (!key) {
    actions.push({
      resource: 'key-pair',
      name: stack.keyName,
      action: 'create',
      detail: `ed25519; private key to .citystream/stacks/${stack.name}.pem (0600)`,
    });
  } else if (owned(`key pair ${stack.keyName}`, key.tags)) {
    if (!observed.localKey) {
      blockers.push(
        `key pair ${stack.keyName} exists but its private key .citystream/stacks/${stack.name}.pem is not on this machine: copy it from where the stack was deployed, or \`citystream teardown --stack ${stack.name}\` and deploy again`,
      );
    }
    actions.push({ resource: 'key-pair', name: stack.keyName, id: key.id, action: 'keep', detail: '' });
  }

  const group = observed.securityGroup;
  if (!group) {
    actions.push({
      resource: 'security-group',
      name: stack.securityGroupName,
      action: 'create',
      detail: stack.ingress.map(ruleText).join(', '),
    });
  } else if (owned(`security group ${stack.securityGroupName}`, group.tags)) {
    const { add, remove } = ingressDiff(stack.ingress, group.ingress);
    const changes = [
      ...add.map((r) => `allow ${ruleText(r)}`),
      ...remove.map((r) => `revoke ${ruleText(r)}`),
      ...group.otherIngress.map((r) => `revoke ${r}`),
    ];
    actions.push({
      resource: 'security-group',
      name: stack.securityGroupName,
      id: group.id,
      action: changes.length > 0 ? 'change' : 'keep',
      detail: changes.length > 0 ? changes.join('; ') : stack.ingress.map(ruleText).join(', '),
    });
  }

  const instance = observed.instance;
  if (!instance) {
    actions.push({
      resource: 'instance',
      name: stack.instanceName,
      action: 'create',
      detail: `${stack.instanceType}, Amazon Linux 2023${observed.imageId ? ` (${observed.imageId})` : ''}, IMDSv2 required, encrypted gp3 root volume`,
    });
  } else if (owned(`instance ${instance.id}`, instance.tags)) {
    const changes = [
      ...(instance.httpTokens === 'required' && instance.hopLimit === 1
        ? []
        : ['require IMDSv2 (hop limit 1)']),
      ...(instance.state === 'stopped' || instance.state === 'stopping' ? ['start it'] : []),
    ];
    if (instance.type !== stack.instanceType) {
      notes.push(
        `instance ${instance.id} is ${instance.type}, not ${stack.instanceType}: deploy does not resize a running instance (teardown and deploy again to change it)`,
      );
    }
    actions.push({
      resource: 'instance',
      name: stack.instanceName,
      id: instance.id,
      action: changes.length > 0 ? 'change' : 'keep',
      detail:
        changes.length > 0
          ? changes.join('; ')
          : `${instance.type}, ${instance.state}${instance.publicIp ? `, ${instance.publicIp}` : ''}`,
    });
  }

  actions.push({
    resource: 'services',
    name: `citystream ${stack.version}`,
    action: instance ? 'change' : 'create',
    detail: `deploy --host ${stackServices(stack)} over SSH, host key pinned from the console output`,
  });
  return { stack: stack.name, region: stack.region, actions, blockers, notes };
}

export function ruleText(r: IngressRule): string {
  return `${r.port}/${r.protocol} from ${r.cidr}`;
}

export function ingressDiff(
  desired: readonly IngressRule[],
  current: readonly IngressRule[],
): { add: IngressRule[]; remove: IngressRule[] } {
  const key = (r: IngressRule) => `${r.protocol}/${r.port}/${r.cidr}`;
  const have = new Set(current.map(key));
  const want = new Set(desired.map(key));
  return { add: desired.filter((r) => !have.has(key(r))), remove: current.filter((r) => !want.has(key(r))) };
}

/** The actions that change something (everything but keep). */
export function pendingActions(plan: DeployPlan): PlanAction[] {
  return plan.actions.filter((a) => a.action !== 'keep');
}

function tableDetail(stack: DesiredStack, kind: TableKind): string {
  return `${stack.billingMode}${TTL_KINDS.includes(kind) ? `, TTL on ${TTL_ATTRIBUTE}` : ''}`;
}

function policyDetail(stack: DesiredStack, arns: PolicyArns): string {
  const doc = servicesPolicy(stack, arns);
  const resources = doc.Statement.reduce((n, s) => n + s.Resource.length, 0);
  return `${doc.Statement[0]!.Action.length} DynamoDB actions + secretsmanager:GetSecretValue on ${resources} ARNs, no *`;
}

function stackServices(stack: DesiredStack): string {
  const kafka = stack.kafka === 'external' ? `brokers ${stack.brokers.join(',')}` : `${stack.kafka} Kafka`;
  return `(${kafka}, processor, API :${stack.apiPort}${stack.producer ? `, producer at ${stack.rate}/s` : ''})`;
}
