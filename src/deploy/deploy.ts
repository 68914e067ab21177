import { stat } from 'node:fs/promises';
import { UserError } from '../errors.js';
import { dryRunText } from './dry-run.js';
import { waitHealthy } from './health-wait.js';
import { HOST_LAYOUT, type ServiceName } from './layout.js';
import { grafanaArtifactProblem, isPinnedGrafana, PINNED_GRAFANA } from './monitoring.js';
import {
  resolveDeployOptions,
  wantedServices,
  type DeployOptions,
  type DeployOptionsGiven,
  type HostTarget,
} from './options.js';
import { preparePackage } from './package.js';
import { parsePreflight, planDeploy, type HostFacts } from './plan.js';
import { hostFiles, secretProblem } from './remote/files.js';
import { rollBack } from './rollback.js';
import {
  diskLow,
  grafanaNotForArch,
  noNode,
  noPrometheus,
  noSystemd,
  notLinux,
  portsInUse,
} from './ssh/errors.js';
import { execaSpawner, SshExecutor, type Spawner } from './ssh/executor.js';
import {
  knownHostsPath,
  pinHostKey,
  readStackRecord,
  validateStackName,
  writeStackRecord,
  type StackRecord,
} from './stack-record.js';
import { deploySteps, preflightFor, sha256 } from './steps.js';

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

export interface DeployRequest extends DeployOptionsGiven {
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
  /** With --monitoring: where Prometheus and Grafana listen on the host (127.0.0.1 only). */
  monitoring?: { prometheus: string; grafana: string };
  durationMs: number;
}

const MIN_FREE_MB = 300;

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
  const artifactProblem = options.monitoring ? grafanaArtifactProblem(options.grafana) : undefined;
  if (artifactProblem)
    throw new UserError(artifactProblem, {
      hint: 'pass both --grafana-tarball URL and --grafana-sha256 HEX of a Grafana release tarball',
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
      io.print(dryRunText(target, options, services, pkg));
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
        monitoring: monitoringAddresses(options),
        durationMs: Date.now() - started,
      };
    }
    const ssh = hostExecutor(target, options.stack, io);
    const facts = await step(io, `inspecting ${ssh.description.label}`, async () =>
      parsePreflight((await ssh.run(preflightFor(pkg.releaseId, services, options, '/usr/bin/node'))).stdout),
    );
    checkFacts(ssh, facts, options);
    const hostKey = await ssh.pinnedKey();
    const record: StackRecord = {
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
      ...(options.monitoring
        ? { monitoring: { prometheusPort: options.ports.prometheus, grafanaPort: options.ports.grafana } }
        : {}),
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
      monitoring: monitoringAddresses(options),
      durationMs: Date.now() - started,
    };
  } finally {
    await pkg.dispose();
  }
}

function checkFacts(ssh: SshExecutor, facts: HostFacts, options: DeployOptions): void {
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
  if (!options.monitoring) return;
  if (!facts.prometheusInstalled && !facts.apt) throw noPrometheus(host);
  if (!facts.grafanaInstalled && isPinnedGrafana(options.grafana) && facts.arch !== PINNED_GRAFANA.arch)
    throw grafanaNotForArch(host, facts.arch);
}

function monitoringAddresses(options: DeployOptions): DeployResult['monitoring'] {
  if (!options.monitoring) return undefined;
  return {
    prometheus: `127.0.0.1:${options.ports.prometheus}`,
    grafana: `127.0.0.1:${options.ports.grafana}`,
  };
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
