import { createHash } from 'node:crypto';
import { isMonitoringService, SERVICE_NAMES, type ServiceName } from './layout.js';
import { grafanaInstallDir, MONITORING_LAYOUT } from './monitoring.js';
import { archiveDirectory, servicePorts, wantedServices, type DeployOptions } from './options.js';
import type { ReleasePackage } from './package.js';
import { planDeploy, type DeployPlan, type HostFacts } from './plan.js';
import {
  activateStep,
  createTablesStep,
  installReleaseStep,
  preflightStep,
  setupStep,
  systemctlStep,
  unitsStep,
  uploadStep,
  writeFileStep,
  type RemoteStep,
} from './remote/commands.js';
import { hostFiles } from './remote/files.js';
import {
  installGrafanaStep,
  installPrometheusStep,
  setupMonitoringStep,
} from './remote/monitoring-commands.js';

/**
 * The steps of a deploy as values, worked out from the plan: what `deployToHost` runs in order, what
 * `--dry-run` prints, what the AWS deploy's dry run lists. Pure.
 */

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The read-only first step: the facts the plan needs about the host. */
export function preflightFor(
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
    prometheusBin: MONITORING_LAYOUT.prometheusBin,
    grafanaDir: grafanaInstallDir(options.grafana),
  });
}

/** The steps of a deploy after the preflight, in order (the health wait follows). */
export function deploySteps(
  plan: DeployPlan,
  pkg: Pick<ReleasePackage, 'tarball' | 'lockfile'>,
  services: readonly ServiceName[],
  options: DeployOptions,
): RemoteStep[] {
  const steps: RemoteStep[] = [setupStep(archiveDirectory(options))];
  if (services.includes('prometheus')) steps.push(setupMonitoringStep());
  if (plan.installRelease)
    steps.push(
      uploadStep(pkg.tarball, 'citystream.tgz'),
      uploadStep(pkg.lockfile, 'package-lock.json'),
      installReleaseStep(plan.releaseId),
    );
  if (plan.installPrometheus) steps.push(installPrometheusStep());
  if (plan.installGrafana) steps.push(installGrafanaStep(options.grafana));
  for (const file of plan.writes) steps.push(writeFileStep(file));
  if (plan.activate) steps.push(activateStep(plan.releaseId));
  steps.push(unitsStep(services, plan.remove));
  // Engines first, then the tables, then the services that use them, then Prometheus and Grafana.
  const engines: ServiceName[] = services.filter((s) => s === 'broker' || s === 'dynamodb');
  const monitoring = services.filter(isMonitoringService);
  const apps = services.filter((s) => !engines.includes(s) && !isMonitoringService(s));
  const restartOf = (list: readonly ServiceName[]) => plan.restart.filter((s) => list.includes(s));
  const startOf = (list: readonly ServiceName[]) => plan.start.filter((s) => list.includes(s));
  const startAndRestart = (list: readonly ServiceName[]) => {
    if (restartOf(list).length > 0) steps.push(systemctlStep('restart', restartOf(list)));
    if (startOf(list).length > 0) steps.push(systemctlStep('start', startOf(list)));
  };
  startAndRestart(engines);
  if (
    options.dynamodb === 'embedded' &&
    (plan.activate || plan.start.includes('dynamodb') || plan.restart.includes('dynamodb'))
  )
    steps.push(createTablesStep(options.ports.dynamo));
  startAndRestart(apps);
  startAndRestart(monitoring);
  return steps;
}

/** The host's facts as a dry run assumes them: a fresh Debian host with systemd and node. */
export const DRY_RUN_NODE = '/usr/bin/node';

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
    arch: 'x86_64',
    apt: true,
    prometheusInstalled: false,
    grafanaInstalled: false,
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
