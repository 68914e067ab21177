import {
  DeleteKeyPairCommand,
  DeleteSecurityGroupCommand,
  DeleteVolumeCommand,
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  DeleteInstanceProfileCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetInstanceProfileCommand,
  ListAttachedRolePoliciesCommand,
  ListInstanceProfilesForRoleCommand,
  ListRolePoliciesCommand,
  RemoveRoleFromInstanceProfileCommand,
} from '@aws-sdk/client-iam';
import { DeleteSecretCommand } from '@aws-sdk/client-secrets-manager';
import { awsErrorName, type AwsClients } from '../../clients/aws.js';
import { deleteTables } from '../../store/tables.js';
import { TABLE_KINDS } from '../../store/table-definitions.js';
import { DELETE_ORDER, type FoundResource, type FoundStack } from './discover.js';
import { removeLocal, type StackFiles } from './stack-record.js';
import { DEFAULT_TIMING, pollUntil, retrying, type Timing } from './timing.js';

/**
 * Teardown: a plan (pure: what was found, in dependency order, minus what --keep-data keeps), then the
 * deletes, each waited for before the next kind: the instance until terminated (its volume goes with
 * it), the security group retried while EC2 still reports the instance's network interface
 * (DependencyViolation), the role emptied of its policies and profiles before it is deleted, the secret
 * deleted without a recovery window (so a stack of the same name can be deployed again at once).
 */

export interface TeardownAction {
  resource: FoundResource['kind'];
  id: string;
  name: string;
  action: 'delete' | 'keep';
  detail: string;
}

export function planTeardown(found: FoundStack, keepData: boolean): TeardownAction[] {
  return [...found.resources]
    .sort((a, b) => DELETE_ORDER.indexOf(a.kind) - DELETE_ORDER.indexOf(b.kind))
    .map((r) => ({
      resource: r.kind,
      id: r.id,
      name: r.name,
      action: r.kind === 'table' && keepData ? 'keep' : 'delete',
      detail: r.kind === 'table' && keepData ? 'kept (--keep-data)' : DETAIL[r.kind],
    }));
}

const DETAIL: Record<FoundResource['kind'], string> = {
  instance: 'terminate, wait until terminated',
  volume: 'delete (normally goes with the instance)',
  'security-group': 'delete (retried while the instance lets go of it)',
  'key-pair': 'delete',
  'instance-profile': 'remove its role, delete',
  'iam-role': 'delete its inline policies, detach managed ones, delete',
  secret: 'delete without recovery window',
  table: 'delete with its data, wait until gone',
};

export interface TeardownDeps {
  clients: AwsClients;
  files: StackFiles;
  report(line: string): void;
  timing?: Timing;
  signal?: AbortSignal;
}

export interface TeardownResult {
  deleted: TeardownAction[];
  kept: TeardownAction[];
  localFiles: string[];
}

export async function applyTeardown(actions: TeardownAction[], deps: TeardownDeps): Promise<TeardownResult> {
  const timing = deps.timing ?? DEFAULT_TIMING;
  const deleted: TeardownAction[] = [];
  const kept = actions.filter((a) => a.action === 'keep');
  for (const kind of DELETE_ORDER) {
    const batch = actions.filter((a) => a.resource === kind && a.action === 'delete');
    if (batch.length === 0) continue;
    await DELETERS[kind](batch, deps, timing);
    for (const a of batch)
      deps.report(`deleted ${a.resource} ${a.name}${a.id !== a.name ? ` (${a.id})` : ''}`);
    deleted.push(...batch);
  }
  for (const a of kept) deps.report(`kept ${a.resource} ${a.name} (--keep-data)`);
  const localFiles = await removeLocal(deps.files);
  for (const f of localFiles) deps.report(`removed ${f}`);
  return { deleted, kept, localFiles };
}

type Deleter = (batch: TeardownAction[], deps: TeardownDeps, timing: Timing) => Promise<void>;

const ignoring = (names: string[]) => (err: unknown) => {
  if (names.includes(awsErrorName(err))) return undefined;
  throw err;
};

const terminate: Deleter = async (batch, { clients, signal }, timing) => {
  const ids = batch.map((a) => a.id);
  await clients.ec2
    .send(new TerminateInstancesCommand({ InstanceIds: ids }))
    .catch(ignoring(['InvalidInstanceID.NotFound']));
  await pollUntil(
    timing,
    `instance ${ids.join(', ')} to terminate`,
    async () => {
      const { Reservations } = await clients.ec2
        .send(new DescribeInstancesCommand({ InstanceIds: ids }))
        .catch((err: unknown) =>
          awsErrorName(err) === 'InvalidInstanceID.NotFound' ? { Reservations: [] } : Promise.reject(err),
        );
      const states = (Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.State?.Name);
      return states.every((s) => s === 'terminated') ? true : undefined;
    },
    signal,
  );
};

const deleteVolumes: Deleter = async (batch, { clients, signal }, timing) => {
  for (const a of batch) {
    // DeleteOnTermination removes the root volume with the instance; delete only what is left over.
    const { Volumes } = await clients.ec2
      .send(new DescribeVolumesCommand({ VolumeIds: [a.id] }))
      .catch((err: unknown) =>
        awsErrorName(err) === 'InvalidVolume.NotFound' ? { Volumes: [] } : Promise.reject(err),
      );
    const state = Volumes?.[0]?.State;
    if (!state || state === 'deleting' || state === 'deleted') continue;
    await retrying(
      timing,
      (err) => awsErrorName(err) === 'VolumeInUse',
      () => clients.ec2.send(new DeleteVolumeCommand({ VolumeId: a.id })),
      signal,
    ).catch(ignoring(['InvalidVolume.NotFound']));
  }
};

const deleteGroups: Deleter = async (batch, { clients, signal }, timing) => {
  for (const a of batch) {
    await retrying(
      timing,
      (err) => awsErrorName(err) === 'DependencyViolation',
      () => clients.ec2.send(new DeleteSecurityGroupCommand({ GroupId: a.id })),
      signal,
    ).catch(ignoring(['InvalidGroup.NotFound']));
  }
};

const deleteKeys: Deleter = async (batch, { clients }) => {
  for (const a of batch) await clients.ec2.send(new DeleteKeyPairCommand({ KeyName: a.id }));
};

const NO_ENTITY = ['NoSuchEntity', 'NoSuchEntityException'];

const deleteProfiles: Deleter = async (batch, { clients }) => {
  for (const a of batch) {
    const profile = await clients.iam
      .send(new GetInstanceProfileCommand({ InstanceProfileName: a.id }))
      .catch(ignoring(NO_ENTITY));
    if (!profile) continue;
    for (const role of (profile.InstanceProfile?.Roles ?? []).map((r) => r.RoleName ?? '')) {
      await clients.iam
        .send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: a.id, RoleName: role }))
        .catch(ignoring(NO_ENTITY));
    }
    await clients.iam
      .send(new DeleteInstanceProfileCommand({ InstanceProfileName: a.id }))
      .catch(ignoring(NO_ENTITY));
  }
};

const deleteRoles: Deleter = async (batch, { clients }) => {
  const iam = clients.iam;
  for (const a of batch) {
    const [inline, attached, profiles] = await Promise.all([
      iam.send(new ListRolePoliciesCommand({ RoleName: a.id })),
      iam.send(new ListAttachedRolePoliciesCommand({ RoleName: a.id })),
      iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: a.id })),
    ]);
    for (const name of inline.PolicyNames ?? [])
      await iam.send(new DeleteRolePolicyCommand({ RoleName: a.id, PolicyName: name }));
    for (const p of attached.AttachedPolicies ?? [])
      await iam.send(new DetachRolePolicyCommand({ RoleName: a.id, PolicyArn: p.PolicyArn }));
    for (const p of profiles.InstanceProfiles ?? []) {
      await iam.send(
        new RemoveRoleFromInstanceProfileCommand({
          InstanceProfileName: p.InstanceProfileName,
          RoleName: a.id,
        }),
      );
    }
    await iam.send(new DeleteRoleCommand({ RoleName: a.id })).catch(ignoring(NO_ENTITY));
  }
};

const deleteSecrets: Deleter = async (batch, { clients }) => {
  for (const a of batch) {
    await clients.secrets
      .send(new DeleteSecretCommand({ SecretId: a.id, ForceDeleteWithoutRecovery: true }))
      .catch(ignoring(['ResourceNotFoundException']));
  }
};

/** Each table through the store's deleteTables (which waits until it is gone), by its prefix and kind. */
const dropTables: Deleter = async (batch, { clients, signal, timing: given }) => {
  for (const a of batch) {
    const kind = TABLE_KINDS.find((k) => a.id.endsWith(k));
    if (!kind) continue;
    const prefix = a.id.slice(0, -kind.length);
    await deleteTables(clients.dynamo, {
      prefix,
      kinds: [kind],
      signal,
      pollMs: Math.min(given?.pollMs ?? 1000, 1000),
    });
  }
};

const DELETERS: Record<FoundResource['kind'], Deleter> = {
  instance: terminate,
  volume: deleteVolumes,
  'security-group': deleteGroups,
  'key-pair': deleteKeys,
  'instance-profile': deleteProfiles,
  'iam-role': deleteRoles,
  secret: deleteSecrets,
  table: dropTables,
};
