import {
  createAwsClients,
  findPublicAddress,
  isMissingCredentials,
  type AwsClients,
} from '../../clients/aws.js';
import type { Config } from '../../config/settings.js';
import { ExpectedError, UserError } from '../../errors.js';
import { applyPlan, type ApplyResult } from './apply.js';
import { hostTarget } from './host-handover.js';
import { estimateCost, type CostEstimate } from './cost.js';
import { discoverStack, listStacks, type FoundStack } from './discover.js';
import type { HostDeployer, HostServiceState } from './host-deployer.js';
import { knownHostsLine } from './host-key.js';
import { emptyObservation, type ObservedStack } from './observed.js';
import { observeStack } from './observe.js';
import { pendingActions, planDeploy, type DeployPlan } from './plan.js';
import { sshAnswers } from './ssh-probe.js';
import { hasKey, readRecord, stackFiles, type StackFiles } from './stack-record.js';
import {
  desiredStack,
  validateCidr,
  validateStackName,
  type DesiredStack,
  type KafkaMode,
} from './stack-spec.js';
import { applyTeardown, planTeardown, type TeardownAction, type TeardownResult } from './teardown.js';
import type { Timing } from './timing.js';
import { loadUserDataTemplates } from './user-data.js';
import { GetConsoleOutputCommand } from '@aws-sdk/client-ec2';

/**
 * The AWS control plane's three entry points (deploy, status, teardown), given what the command layer
 * hands over: settings, environment, a progress line writer and the host deployer. They return
 * documents; rendering is the command's.
 */

export type AwsConfig = Pick<
  Config,
  | 'region'
  | 'profile'
  | 'target'
  | 'endpoint'
  | 'prefix'
  | 'dataDir'
  | 'apiPort'
  | 'billingMode'
  | 'ttlDays'
  | 'windowMinutes'
  | 'alertSeverities'
  | 'brokers'
>;

export interface AwsEnvironment {
  config: AwsConfig;
  /** True when --brokers (or CITYSTREAM_BROKERS, or the config file) set the brokers explicitly. */
  brokersGiven: boolean;
  env: Record<string, string | undefined>;
  cwd: string;
  signal?: AbortSignal;
  report(line: string): void;
  hostDeployer: HostDeployer;
  /** Overrides for tests; production builds them. */
  clients?: AwsClients;
  findAddress?: () => Promise<string | undefined>;
  sshReady?: (host: string, port: number) => Promise<boolean>;
  timing?: Timing;
  newToken?: () => string;
}

export interface DeployFlags {
  stack?: string;
  allowCidr?: string;
  allowAny?: boolean;
  instanceType?: string;
  kafka?: 'embedded' | 'apache';
  rate?: number;
  producer?: boolean;
  dryRun?: boolean;
  /** `--archive`, already parsed to its canonical URL. */
  archive?: string;
}

export interface DeployOutcome {
  stack: DesiredStack;
  plan: DeployPlan;
  cost: CostEstimate;
  /** Host commands the --host deploy would run (dry run, when the host deployer can tell). */
  hostCommands: string[];
  applied?: ApplyResult;
}

/** The same default as the --host deploy's. */
export const DEFAULT_STACK = 'default';
export const DEFAULT_RATE = 5;

async function withClients<T>(envt: AwsEnvironment, use: (c: AwsClients) => Promise<T>): Promise<T> {
  if (envt.clients) return use(envt.clients);
  const clients = await createAwsClients(envt.config, envt.env);
  try {
    return await use(clients);
  } finally {
    clients.destroy();
  }
}

async function resolveCidr(
  envt: AwsEnvironment,
  flags: DeployFlags,
): Promise<{ cidr: string; guessed: boolean }> {
  if (flags.allowCidr)
    return { cidr: validateCidr(flags.allowCidr, Boolean(flags.allowAny)), guessed: false };
  const address = await (envt.findAddress ?? (() => findPublicAddress(envt.signal)))();
  if (address) return { cidr: `${address}/32`, guessed: true };
  if (flags.dryRun) return { cidr: '<your-address>/32', guessed: true };
  throw new UserError('--allow-cidr is required: your public address could not be found', {
    hint: 'pass the range allowed to reach SSH and the API, e.g. --allow-cidr 203.0.113.7/32',
  });
}

export function kafkaMode(flags: DeployFlags, brokersGiven: boolean): KafkaMode {
  if (flags.kafka && brokersGiven) {
    throw new UserError('--kafka and --brokers exclude each other', {
      hint: '--kafka runs Kafka on the instance; --brokers points the services at an existing cluster',
    });
  }
  return brokersGiven ? 'external' : (flags.kafka ?? 'embedded');
}

export function stackFromFlags(envt: AwsEnvironment, flags: DeployFlags, cidr: string): DesiredStack {
  const producer = flags.producer !== false;
  return desiredStack({
    name: flags.stack ?? DEFAULT_STACK,
    region: envt.config.region,
    prefix: envt.config.prefix,
    allowCidr: cidr,
    instanceType: flags.instanceType ?? 't3.small',
    kafka: kafkaMode(flags, envt.brokersGiven),
    brokers: envt.config.brokers,
    rate: producer ? (flags.rate ?? DEFAULT_RATE) : 0,
    producer,
    apiPort: envt.config.apiPort,
    billingMode: envt.config.billingMode,
    ...(flags.archive !== undefined ? { archive: flags.archive } : {}),
  });
}

export async function deployStack(
  envt: AwsEnvironment,
  flags: DeployFlags,
  confirm: (plan: DeployPlan) => Promise<boolean>,
): Promise<DeployOutcome> {
  const { cidr, guessed } = await resolveCidr(envt, flags);
  const stack = stackFromFlags(envt, flags, cidr);
  const files = stackFiles(envt.cwd, envt.config.dataDir, stack.name);
  const cost = estimateCost(stack, envt.config);
  const localKey = await hasKey(files);
  return withClients(envt, async (clients) => {
    let observed: ObservedStack;
    try {
      observed = await observeStack(clients, stack, localKey);
    } catch (err) {
      if (!flags.dryRun || !isMissingCredentials(err)) throw err;
      observed = emptyObservation(localKey);
    }
    const plan = planDeploy(stack, observed);
    if (guessed) plan.notes.push(`--allow-cidr defaults to your public address: ${cidr}`);
    const preview = hostTarget(
      stack,
      observed.instance?.publicIp ?? '<instance address>',
      '<pinned host key>',
      files,
    );
    const hostCommands = envt.hostDeployer.describe?.(preview) ?? [];
    if (flags.dryRun) return { stack, plan, cost, hostCommands };
    if (
      plan.blockers.length === 0 &&
      pendingActions(plan).some((a) => a.resource !== 'services') &&
      !(await confirm(plan))
    ) {
      throw new UserError('nothing deployed', { hint: 'answer y to deploy, or pass --yes' });
    }
    const applied = await applyPlan(
      stack,
      plan,
      observed,
      {
        clients,
        hostDeployer: envt.hostDeployer,
        files,
        templates: await loadUserDataTemplates(),
        report: envt.report,
        sshReady: envt.sshReady ?? sshAnswers,
        kafkaCredentials: kafkaCredentials(envt.env),
        timing: envt.timing,
        signal: envt.signal,
        newToken: envt.newToken,
      },
      await readRecord(files),
    );
    return { stack, plan, cost, hostCommands, applied };
  });
}

/** Credentials for external brokers, from the caller's environment (never a flag, so never in argv). */
function kafkaCredentials(env: Record<string, string | undefined>) {
  const username = env.CITYSTREAM_KAFKA_USERNAME;
  const password = env.CITYSTREAM_KAFKA_PASSWORD;
  return username && password ? { username, password } : undefined;
}

export interface StatusOutcome {
  stack: string;
  region: string;
  found: FoundStack;
  services?: HostServiceState[];
  /** Why services were not asked (no running instance, no key here). */
  servicesNote?: string;
}

export async function stackStatus(envt: AwsEnvironment, flags: { stack?: string }): Promise<StatusOutcome> {
  const name = validateStackName(flags.stack ?? DEFAULT_STACK);
  const files = stackFiles(envt.cwd, envt.config.dataDir, name);
  const record = await readRecord(files);
  const stack = stackFromFlags(envt, { stack: name, kafka: undefined }, record?.allowCidr ?? '0.0.0.0/32');
  return withClients(envt, async (clients) => {
    const found = await discoverStack(
      clients,
      name,
      stack.tables.map((t) => t.name),
    );
    const base = { stack: name, region: envt.config.region, found };
    const instance = found.resources.find((r) => r.kind === 'instance' && r.state === 'running');
    if (!instance?.detail) return { ...base, servicesNote: 'no running instance' };
    if (!(await hasKey(files))) return { ...base, servicesNote: `no private key at ${files.key}` };
    const hostKey =
      record?.publicIp === instance.detail && record.hostKey
        ? record.hostKey
        : await consoleHostKey(clients, instance.id, instance.detail);
    if (!hostKey) return { ...base, servicesNote: 'the host key is not on the console output yet' };
    try {
      const services = await envt.hostDeployer.status(hostTarget(stack, instance.detail, hostKey, files), {
        signal: envt.signal,
      });
      return { ...base, services };
    } catch (err) {
      // The resources are the answer; a host that does not answer (yet) is a note, not a failure.
      if (!(err instanceof ExpectedError)) throw err;
      return { ...base, servicesNote: err.message };
    }
  });
}

async function consoleHostKey(clients: AwsClients, id: string, ip: string): Promise<string | undefined> {
  const { Output } = await clients.ec2.send(new GetConsoleOutputCommand({ InstanceId: id, Latest: true }));
  return Output ? knownHostsLine(ip, Buffer.from(Output, 'base64').toString('utf8')) : undefined;
}

export interface TeardownFlags {
  stack?: string;
  keepData?: boolean;
  dryRun?: boolean;
  allStacks?: boolean;
}

export interface TeardownOutcome {
  stack: string;
  region: string;
  actions: TeardownAction[];
  unconfirmed: string[];
  result?: TeardownResult;
  files: StackFiles;
}

export async function teardownStack(
  envt: AwsEnvironment,
  flags: TeardownFlags,
  confirm: (actions: TeardownAction[]) => Promise<boolean>,
): Promise<TeardownOutcome> {
  const name = validateStackName(flags.stack ?? DEFAULT_STACK);
  const files = stackFiles(envt.cwd, envt.config.dataDir, name);
  const record = await readRecord(files);
  const tables = desiredStack({ ...stackOptionsFor(envt, name) }).tables.map((t) => t.name);
  const names = [...new Set([...tables, ...(record?.tables ?? [])])];
  return withClients(envt, async (clients) => {
    const found = await discoverStack(clients, name, names);
    const actions = planTeardown(found, Boolean(flags.keepData));
    const outcome = {
      stack: name,
      region: envt.config.region,
      actions,
      unconfirmed: found.unconfirmed,
      files,
    };
    if (flags.dryRun) return outcome;
    if (actions.some((a) => a.action === 'delete') && !(await confirm(actions))) {
      throw new UserError('nothing deleted', { hint: 'answer y to delete, or pass --yes' });
    }
    const result = await applyTeardown(actions, {
      clients,
      files,
      report: envt.report,
      timing: envt.timing,
      signal: envt.signal,
    });
    return { ...outcome, result };
  });
}

function stackOptionsFor(envt: AwsEnvironment, name: string) {
  return {
    name,
    region: envt.config.region,
    prefix: envt.config.prefix,
    allowCidr: '0.0.0.0/32',
    instanceType: 't3.small',
    kafka: 'embedded' as const,
    brokers: [],
    rate: 0,
    producer: false,
    apiPort: envt.config.apiPort,
    billingMode: envt.config.billingMode,
  };
}

export async function allStacks(envt: AwsEnvironment) {
  return withClients(envt, (clients) => listStacks(clients));
}
