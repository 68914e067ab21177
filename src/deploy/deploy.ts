import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { ServiceError, UserError } from '../errors.js';
import { HOST_LAYOUT, SERVICE_NAMES, unitName, type ServiceName } from './layout.js';
import {
  resolveDeployOptions,
  servicePorts,
  wantedServices,
  type DeployOptions,
  type HostTarget,
} from './options.js';
import { preparePackage, type ReleasePackage } from './package.js';
import {
  parseHealth,
  parsePreflight,
  planDeploy,
  unhealthy,
  type DeployPlan,
  type HostFacts,
} from './plan.js';
import {
  activateStep,
  createTablesStep,
  healthProbeStep,
  installReleaseStep,
  journalTailStep,
  preflightStep,
  rollbackStep,
  setupStep,
  systemctlStep,
  unitsStep,
  uploadStep,
  writeFileStep,
  type RemoteStep,
} from './remote/commands.js';
import { hostFiles, maskSecrets, secretProblem } from './remote/files.js';
import { diskLow, noNode, noSystemd, notLinux, portsInUse } from './ssh/errors.js';
import { execaSpawner, SshExecutor, type Spawner } from './ssh/executor.js';
import {
  knownHostsPath,
  pinHostKey,
  readStackRecord,
  validateStackName,
  writeStackRecord,
} from './stack-record.js';

/** What deploy, status, logs and teardown need from the CLI: where records live, how to talk. */
export interface DeployIO {
  /** `.citystream/stacks` (absolute). */
  stacksDir: string;
  /** Progress and notes (stderr). */
  info(line: string): void;
  /** Results and dry-run output (stdout). */
  print(text: string): void;
  /** A spinner on a terminal, plain lines otherwise. */
  progress?(
    text: string,
  ): Promise<{ update(text: string): void; succeed(text: string): void; fail(text: string): void }>;
  signal: AbortSignal;
  /** Every process citystream starts goes through this (tests record it). */
  spawn?: Spawner;
  debug?(line: string): void;
}

export interface DeployRequest extends Partial<DeployOptions> {
  dryRun?: boolean;
  /** Deploy this `npm pack` tarball instead of building and packing this citystream. */
  packageFile?: string;
}

export interface DeployResult {
  stack: string;
  host: string;
  release: string;
  previousRelease?: string;
  changed: boolean;
  restarted: ServiceName[];
  started: ServiceName[];
  removed: ServiceName[];
  services: ServiceName[];
  api: string;
  brokers: string[];
  durationMs: number;
}

const MIN_FREE_MB = 300;
const JOURNAL_LINES = 20;

export function hostExecutor(
  target: HostTarget,
  stack: string,
  io: Pick<DeployIO, 'stacksDir' | 'spawn' | 'debug'>,
): SshExecutor {
  return new SshExecutor(
    {
      host: target.host,
      user: target.user,
      port: target.port,
      identityFile: target.identityFile,
      knownHostsFile: knownHostsPath(io.stacksDir, stack),
    },
    { spawn: io.spawn, debug: io.debug },
  );
}

/**
 * Ships citystream to a Linux host over SSH and runs it as systemd units: inspect the host, install the
 * release if it is new, write the configuration and units that changed, switch `current`, (re)start only
 * what changed, wait until healthy; on failure put the previous release and files back. The AWS deploy
 * calls this with the instance's address, key file and pinned host key.
 */
export async function deployToHost(
  target: HostTarget,
  request: DeployRequest,
  io: DeployIO,
): Promise<DeployResult> {
  const started = Date.now();
  const options = resolveDeployOptions(target, request);
  validateStackName(options.stack);
  for (const [name, value] of Object.entries(options.secrets)) {
    const problem = secretProblem(name, value);
    if (problem) throw new UserError(`cannot deploy secret: ${problem}`);
  }
  if (options.execPrefix !== '' && !/^\/[A-Za-z0-9._/-]+$/.test(options.execPrefix))
    throw new Error(`execPrefix must be an absolute path, got "${options.execPrefix}"`);
  if (options.kafka === 'external' && options.brokers.length === 0)
    throw new UserError('--kafka external needs --brokers', {
      hint: 'e.g. --brokers b-1.msk.example:9092,b-2.msk.example:9092',
    });
  const existing = await readStackRecord(io.stacksDir, options.stack);
  if (existing && (existing.host !== target.host || existing.port !== target.port))
    throw new UserError(
      `stack "${options.stack}" runs on ${existing.host}:${existing.port}, not ${target.host}:${target.port}`,
      {
        hint: 'pass another --stack NAME for another host, or `citystream teardown` the old one first',
      },
    );
  if (target.knownHostsLine) await pinHostKey(io.stacksDir, options.stack, target.knownHostsLine);

  const spawn = io.spawn ?? execaSpawner;
  const services = wantedServices(options);
  const pkg = await step(
    io,
    request.dryRun ? 'packing this citystream' : 'building and packing this citystream',
    () => preparePackage({ spawn, packageFile: request.packageFile, build: !request.dryRun }),
  );
  try {
    if (request.dryRun) {
      printDryRun(target, options, services, pkg, io);
      return {
        stack: options.stack,
        host: target.host,
        release: pkg.releaseId,
        changed: true,
        restarted: [],
        started: services,
        removed: [],
        services,
        api: apiUrl(target, options),
        brokers: clientBrokers(options),
        durationMs: Date.now() - started,
      };
    }
    const ssh = hostExecutor(target, options.stack, io);
    const facts = await step(io, `inspecting ${ssh.description.label}`, async () =>
      parsePreflight((await ssh.run(preflightFor(pkg.releaseId, services, options, '/usr/bin/node'))).stdout),
    );
    checkFacts(ssh, facts);
    const hostKey = await ssh.pinnedKey();
    const record = {
      name: options.stack,
      host: target.host,
      user: target.user,
      port: target.port,
      identityFile: target.identityFile,
      hostKey,
      release: existing?.release,
      services,
      apiPort: options.ports.api,
      kafka: options.kafka,
      brokers: clientBrokers(options),
      deployedAt: existing?.deployedAt,
    };
    await writeStackRecord(io.stacksDir, record);

    const files = hostFiles(options, services, facts.node);
    const plan = planDeploy({ releaseId: pkg.releaseId, services, files, hashOf: sha256, facts });
    for (const reason of plan.reasons) io.info(`  ${reason}`);
    if (plan.unchanged) {
      io.info(
        `nothing changed on ${target.host}: release ${plan.releaseId}, ${services.length} units active; restarted nothing`,
      );
      await waitHealthy(ssh, services, options, io, Math.min(options.healthTimeoutMs, 30_000));
    } else {
      for (const s of deploySteps(plan, pkg, services, options))
        await step(io, s.title, () => ssh.run(s, { signal: io.signal }));
      const failure = await waitHealthy(ssh, services, options, io, options.healthTimeoutMs).then(
        () => undefined,
        (err: unknown) => err,
      );
      if (failure) throw await rollBack(ssh, plan, services, options, io, failure);
    }
    await writeStackRecord(io.stacksDir, {
      ...record,
      release: plan.releaseId,
      deployedAt: new Date().toISOString(),
    });
    return {
      stack: options.stack,
      host: target.host,
      release: plan.releaseId,
      previousRelease: plan.previousRelease,
      changed: !plan.unchanged,
      restarted: plan.restart,
      started: plan.start,
      removed: plan.remove,
      services,
      api: apiUrl(target, options),
      brokers: clientBrokers(options),
      durationMs: Date.now() - started,
    };
  } finally {
    await pkg.dispose();
  }
}

/** The steps of a deploy after the preflight, in order (the health wait follows). */
export function deploySteps(
  plan: DeployPlan,
  pkg: Pick<ReleasePackage, 'tarball' | 'lockfile'>,
  services: readonly ServiceName[],
  options: DeployOptions,
): RemoteStep[] {
  const steps: RemoteStep[] = [setupStep()];
  if (plan.installRelease)
    steps.push(
      uploadStep(pkg.tarball, 'citystream.tgz'),
      uploadStep(pkg.lockfile, 'package-lock.json'),
      installReleaseStep(plan.releaseId),
    );
  for (const file of plan.writes) steps.push(writeFileStep(file));
  if (plan.activate) steps.push(activateStep(plan.releaseId));
  steps.push(unitsStep(services, plan.remove));
  const engines: ServiceName[] = services.filter((s) => s === 'broker' || s === 'dynamodb');
  const apps = services.filter((s) => !engines.includes(s));
  const restartOf = (list: ServiceName[]) => plan.restart.filter((s) => list.includes(s));
  const startOf = (list: ServiceName[]) => plan.start.filter((s) => list.includes(s));
  if (restartOf(engines).length > 0) steps.push(systemctlStep('restart', restartOf(engines)));
  if (startOf(engines).length > 0) steps.push(systemctlStep('start', startOf(engines)));
  if (
    options.dynamodb === 'embedded' &&
    (plan.activate || plan.start.includes('dynamodb') || plan.restart.includes('dynamodb'))
  )
    steps.push(createTablesStep(options.ports.dynamo));
  if (restartOf(apps).length > 0) steps.push(systemctlStep('restart', restartOf(apps)));
  if (startOf(apps).length > 0) steps.push(systemctlStep('start', startOf(apps)));
  return steps;
}

function preflightFor(
  releaseId: string,
  services: readonly ServiceName[],
  options: DeployOptions,
  node: string,
): RemoteStep {
  const files = hostFiles(options, services, node).map((f) => f.path);
  return preflightStep({
    releaseId,
    files,
    services,
    ports: servicePorts(options),
    allServices: SERVICE_NAMES,
  });
}

function checkFacts(ssh: SshExecutor, facts: HostFacts): void {
  const host = ssh.description;
  if (facts.os !== 'Linux') throw notLinux(host, facts.os);
  if (
    facts.systemd === 'missing' ||
    facts.systemd === 'offline' ||
    facts.systemd === '' ||
    facts.systemd === 'unknown'
  )
    throw noSystemd(host, facts.systemd);
  const major = Number(/^v(\d+)\./.exec(facts.nodeVersion)?.[1] ?? 0);
  if (!facts.node || major < 20 || !facts.npm) throw noNode(host, facts.node ? facts.nodeVersion : '');
  if (!facts.releasePresent && facts.freeMb < MIN_FREE_MB) throw diskLow(host, facts.freeMb, MIN_FREE_MB);
  if (facts.busyPorts.length > 0) throw portsInUse(host, facts.busyPorts);
}

/** Polls the health probe until every unit is active, the API answers 200 and the group is Stable. */
async function waitHealthy(
  ssh: SshExecutor,
  services: readonly ServiceName[],
  options: DeployOptions,
  io: DeployIO,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const progress = await io.progress?.('waiting for the services to become healthy');
  let last: { service: ServiceName; why: string } | undefined;
  for (;;) {
    if (io.signal.aborted) throw new UserError('interrupted while waiting for the services');
    const report = parseHealth(
      (await ssh.run(healthProbeStep(services, options.ports.api), { signal: io.signal })).stdout,
    );
    last = unhealthy(report, services);
    if (!last) {
      progress?.succeed('healthy: every unit active, API answers, processor group Stable');
      if (!progress) io.info('healthy: every unit active, API answers, processor group Stable');
      return;
    }
    progress?.update(`waiting for the services to become healthy: ${last.why}`);
    if (Date.now() > deadline) {
      progress?.fail(`not healthy after ${Math.round(timeoutMs / 1000)} s: ${last.why}`);
      throw new HealthError(last.service, last.why);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

class HealthError extends Error {
  constructor(
    readonly service: ServiceName,
    readonly why: string,
  ) {
    super(why);
  }
}

/** Puts the previous release and files back, restarts, and returns the error deploy fails with. */
async function rollBack(
  ssh: SshExecutor,
  plan: DeployPlan,
  services: readonly ServiceName[],
  options: DeployOptions,
  io: DeployIO,
  failure: unknown,
): Promise<Error> {
  if (!(failure instanceof HealthError)) return failure as Error;
  const logs = await ssh
    .run(journalTailStep(failure.service, JOURNAL_LINES))
    .then((r) => r.stdout.trimEnd())
    .catch(() => '(could not read the journal)');
  const tail = `last lines of ${unitName(failure.service)}:\n${indent(logs)}`;
  if (!plan.previousRelease) {
    return new ServiceError(
      `deploy of ${plan.releaseId} failed: ${failure.why}; there is no previous release to restore\n${tail}`,
      {
        hint: `the units stay as they are for inspection: \`citystream logs ${failure.service}\`; fix and deploy again, or \`citystream teardown\``,
      },
    );
  }
  io.info(`rolling back to release ${plan.previousRelease}`);
  await ssh.run(
    rollbackStep({
      previousRelease: plan.previousRelease,
      files: plan.writes.map((w) => ({ path: w.path, existed: w.existed })),
      restart: services.filter((s) => plan.restart.includes(s) || plan.start.includes(s)),
    }),
  );
  const restored = await waitHealthy(ssh, services, options, io, options.healthTimeoutMs).then(
    () => 'it is healthy again',
    (err: unknown) => `but it is not healthy either (${err instanceof Error ? err.message : String(err)})`,
  );
  return new ServiceError(
    `deploy of ${plan.releaseId} failed: ${failure.why}; rolled back to release ${plan.previousRelease}, ${restored}\n${tail}`,
    { hint: 'fix the build or configuration and deploy again' },
  );
}

/** The host's facts as a dry run assumes them: a fresh Linux host with systemd and node. */
const DRY_RUN_NODE = '/usr/bin/node';

/**
 * Every step a deploy runs on a fresh host, before the health wait (pure: what --dry-run prints, and what
 * the AWS deploy's dry run lists).
 */
export function freshHostSteps(
  options: DeployOptions,
  pkg: Pick<ReleasePackage, 'tarball' | 'lockfile' | 'releaseId'>,
): RemoteStep[] {
  const node = DRY_RUN_NODE;
  const services = wantedServices(options);
  const fresh: HostFacts = {
    os: 'Linux',
    systemd: 'running',
    node,
    nodeVersion: 'v20',
    npm: true,
    freeMb: Infinity,
    releasePresent: false,
    fileHashes: {},
    units: {},
    busyPorts: [],
  };
  const files = hostFiles(options, services, node);
  const plan = planDeploy({ releaseId: pkg.releaseId, services, files, hashOf: sha256, facts: fresh });
  return [preflightFor(pkg.releaseId, services, options, node), ...deploySteps(plan, pkg, services, options)];
}

/** The steps of a deploy of `request` to a fresh `target`, one line each (no packing, no I/O). */
export function describeHostDeploy(target: HostTarget, request: DeployRequest): string[] {
  const options = resolveDeployOptions(target, request);
  const steps = freshHostSteps(options, {
    releaseId: '<this build>',
    tarball: 'citystream.tgz',
    lockfile: 'package-lock.json',
  });
  const probe = healthProbeStep(wantedServices(options), options.ports.api);
  return [...steps, probe].map((s) => `ssh ${target.user}@${target.host}: ${s.title}`);
}

function printDryRun(
  target: HostTarget,
  options: DeployOptions,
  services: readonly ServiceName[],
  pkg: ReleasePackage,
  io: DeployIO,
): void {
  const node = DRY_RUN_NODE;
  const steps = freshHostSteps(options, pkg);
  const user = target.user === 'root' ? 'root' : `${target.user} (through sudo -n)`;
  const lines = [
    `# citystream deploy --dry-run: stack ${options.stack} on ${target.user}@${target.host}:${target.port}, release ${pkg.releaseId}`,
    `# Nothing runs on the host. Every step below is an sh script run as ${user} over ssh; files arrive on stdin.`,
    '# This is the plan for a fresh host; on a host that has the stack, deploy skips what would not change.',
    `# node is assumed at ${node} (a real deploy uses the one the host has).`,
  ];
  steps.forEach((s, i) => {
    lines.push('', `## ${i + 1}. ${s.title}`, s.script.trimEnd());
    if (s.input?.kind === 'file') lines.push(`### stdin: the local file ${s.input.path}`);
    if (s.input?.kind === 'text') {
      lines.push(`### stdin${s.input.secret ? ' (secrets masked)' : ''}:`);
      lines.push(maskSecrets(s.input.text, options.secrets).trimEnd());
    }
  });
  const probe = healthProbeStep(services, options.ports.api);
  lines.push(
    '',
    `## ${steps.length + 1}. ${probe.title}, every second, up to ${Math.round(options.healthTimeoutMs / 1000)} s; if it never passes, roll back`,
    probe.script,
  );
  io.print(`${lines.join('\n')}\n`);
}

async function step<T>(io: DeployIO, title: string, task: () => Promise<T>): Promise<T> {
  const progress = await io.progress?.(title);
  if (!progress) io.info(`${title}…`);
  try {
    const result = await task();
    progress?.succeed(title);
    return result;
  } catch (err) {
    progress?.fail(title);
    throw err;
  }
}

export function apiUrl(target: Pick<HostTarget, 'host'>, options: Pick<DeployOptions, 'ports'>): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `http://${host}:${options.ports.api}/api/v1`;
}

function clientBrokers(options: DeployOptions): string[] {
  return options.kafka === 'embedded'
    ? [`${options.brokerAdvertised}:${options.ports.broker}`]
    : options.brokers;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

/** A private key file must not be readable by others (ssh refuses such keys anyway). */
export async function checkIdentityFile(file: string): Promise<void> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile())
    throw new UserError(`--identity ${file}: no such file`, { hint: 'pass the private key for the host' });
  if ((info.mode & 0o077) !== 0)
    throw new UserError(
      `--identity ${file} is readable by others (mode ${(info.mode & 0o777).toString(8)})`,
      {
        hint: `chmod 600 ${file}`,
      },
    );
}

export { HOST_LAYOUT };
