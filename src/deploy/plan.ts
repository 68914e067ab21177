import { runsRelease, SERVICE_NAMES, unitName, type ServiceName } from './layout.js';
import type { HostFile } from './remote/files.js';

/** What the preflight step found on the host. */
export interface HostFacts {
  os: string;
  /** `systemctl is-system-running`: running, degraded, starting… ; offline or missing means no systemd. */
  systemd: string;
  node: string;
  nodeVersion: string;
  npm: boolean;
  /** `uname -m`: x86_64, aarch64, … */
  arch: string;
  /** apt-get is there (Debian, Ubuntu): how Prometheus is installed. */
  apt: boolean;
  /** Debian's Prometheus binary is installed. */
  prometheusInstalled: boolean;
  /** The Grafana tarball this deploy wants is unpacked already. */
  grafanaInstalled: boolean;
  freeMb: number;
  /** The release `current` points at, if any. */
  currentRelease?: string;
  /** The release being deployed is already installed. */
  releasePresent: boolean;
  /** sha256 of each file that exists. */
  fileHashes: Record<string, string | undefined>;
  /** Each citystream unit's active state and whether its file is installed. */
  units: Partial<Record<ServiceName, { state: string; installed: boolean }>>;
  /** Ports a service needs that something else listens on. */
  busyPorts: Array<{ port: number; service: ServiceName }>;
}

export function parsePreflight(text: string): HostFacts {
  const facts: HostFacts = {
    os: '',
    systemd: '',
    node: '',
    nodeVersion: '',
    npm: false,
    arch: '',
    apt: false,
    prometheusInstalled: false,
    grafanaInstalled: false,
    freeMb: Number.NaN,
    releasePresent: false,
    fileHashes: {},
    units: {},
    busyPorts: [],
  };
  for (const line of text.split('\n')) {
    const [word, ...rest] = line.trim().split(' ');
    if (word === 'file' && rest.length === 2) {
      const [hash, path] = rest as [string, string];
      facts.fileHashes[path] = hash === '-' ? undefined : hash;
    } else if (word === 'unit' && rest.length >= 1) {
      const service = rest[0]?.replace(/^citystream-/, '') as ServiceName;
      if (SERVICE_NAMES.includes(service))
        facts.units[service] = { state: rest[1] || 'inactive', installed: rest[2] === 'yes' };
    } else if (word === 'port_busy' && rest.length === 2) {
      const service = rest[1]?.replace(/^citystream-/, '') as ServiceName;
      facts.busyPorts.push({ port: Number(rest[0]), service });
    } else if (word?.includes('=')) {
      const key = line.slice(0, line.indexOf('='));
      const value = line.slice(line.indexOf('=') + 1).trim();
      if (key === 'os') facts.os = value;
      else if (key === 'systemd') facts.systemd = value;
      else if (key === 'node') facts.node = value;
      else if (key === 'node_version') facts.nodeVersion = value;
      else if (key === 'npm') facts.npm = value === 'yes';
      else if (key === 'arch') facts.arch = value;
      else if (key === 'apt') facts.apt = value === 'yes';
      else if (key === 'prometheus_bin') facts.prometheusInstalled = value === 'yes';
      else if (key === 'grafana_present') facts.grafanaInstalled = value === 'yes';
      else if (key === 'free_mb') facts.freeMb = Number(value);
      else if (key === 'current') facts.currentRelease = value === '' ? undefined : value;
      else if (key === 'release_present') facts.releasePresent = value === 'yes';
    }
  }
  return facts;
}

/** What a deploy does to a host, worked out from the desired files and the facts. */
export interface DeployPlan {
  releaseId: string;
  previousRelease?: string;
  /** Upload and install the release (it is not on the host yet). */
  installRelease: boolean;
  /** Point `current` at the release. */
  activate: boolean;
  /** --monitoring on a host without Debian's Prometheus binary: apt-get install it. */
  installPrometheus: boolean;
  /** --monitoring on a host without the wanted Grafana tarball unpacked: fetch, check, unpack it. */
  installGrafana: boolean;
  /** Files whose content differs from the host's (or that are missing there), with whether they existed. */
  writes: Array<HostFile & { existed: boolean }>;
  /** Units installed but no longer wanted: stopped, disabled, removed. */
  remove: ServiceName[];
  /** Running services whose release, configuration or unit changed. */
  restart: ServiceName[];
  /** Wanted services that are not running. */
  start: ServiceName[];
  /** Nothing to change, nothing to (re)start. */
  unchanged: boolean;
  /** One line per decision, for the user. */
  reasons: string[];
}

export function planDeploy(args: {
  releaseId: string;
  services: readonly ServiceName[];
  files: readonly HostFile[];
  hashOf: (content: string) => string;
  facts: HostFacts;
}): DeployPlan {
  const { facts, services } = args;
  const reasons: string[] = [];
  const previousRelease = facts.currentRelease;
  const releaseChanged = previousRelease !== args.releaseId;
  if (releaseChanged)
    reasons.push(
      previousRelease ? `release ${previousRelease} → ${args.releaseId}` : `first release ${args.releaseId}`,
    );
  const writes = args.files
    .filter((f) => facts.fileHashes[f.path] !== args.hashOf(f.content))
    .map((f) => ({ ...f, existed: facts.fileHashes[f.path] !== undefined }));
  for (const w of writes) reasons.push(`${w.existed ? 'changed' : 'new'}: ${w.path}`);

  const monitoring = services.includes('prometheus');
  const installPrometheus = monitoring && !facts.prometheusInstalled;
  const installGrafana = monitoring && !facts.grafanaInstalled;
  if (installPrometheus) reasons.push("Prometheus is not installed: install Debian's package");
  if (installGrafana) reasons.push('the Grafana tarball is not installed: fetch and install it');

  // A new release restarts what runs it; Prometheus and Grafana run their own binaries.
  const affected = new Set<ServiceName>(releaseChanged ? services.filter(runsRelease) : []);
  for (const w of writes) for (const s of w.affects) affected.add(s);
  const restart: ServiceName[] = [];
  const start: ServiceName[] = [];
  for (const s of services) {
    const active = facts.units[s]?.state === 'active';
    if (!active) {
      start.push(s);
      if (facts.units[s]?.installed) reasons.push(`${unitName(s)} is ${facts.units[s]?.state}: start it`);
    } else if (affected.has(s)) restart.push(s);
  }
  const remove = SERVICE_NAMES.filter((s) => !services.includes(s) && facts.units[s]?.installed);
  for (const s of remove) reasons.push(`${unitName(s)} is no longer wanted: remove it`);
  return {
    releaseId: args.releaseId,
    previousRelease,
    installRelease: !facts.releasePresent,
    activate: releaseChanged,
    installPrometheus,
    installGrafana,
    writes,
    remove,
    restart,
    start,
    unchanged:
      !releaseChanged &&
      !installPrometheus &&
      !installGrafana &&
      writes.length === 0 &&
      remove.length === 0 &&
      restart.length === 0 &&
      start.length === 0,
    reasons,
  };
}

/** What the health probe saw. */
export interface HealthReport {
  units: Partial<Record<ServiceName, string>>;
  /** HTTP status of /api/v1/health (0: no answer). */
  api: number;
  /** With --monitoring: HTTP status of Prometheus's /-/ready and Grafana's /api/health (0: no answer). */
  prometheus?: number;
  grafana?: number;
  /** The processor group's state, once units and API are fine. */
  group?: string;
}

export function parseHealth(text: string): HealthReport {
  const report: HealthReport = { units: {}, api: 0 };
  for (const line of text.split('\n')) {
    const [word, a, b] = line.trim().split(' ');
    if (word === 'unit' && a) report.units[a.replace(/^citystream-/, '') as ServiceName] = b ?? '';
    else if (word === 'api') report.api = Number(a ?? 0);
    else if (word === 'prometheus') report.prometheus = Number(a ?? 0);
    else if (word === 'grafana') report.grafana = Number(a ?? 0);
    else if (word === 'group') report.group = a;
  }
  return report;
}

/** The first thing that is not healthy, or undefined when the stack is healthy. */
export function unhealthy(
  report: HealthReport,
  services: readonly ServiceName[],
): { service: ServiceName; why: string } | undefined {
  for (const s of services) {
    const state = report.units[s];
    if (state !== 'active') return { service: s, why: `${unitName(s)} is ${state || 'unknown'}` };
  }
  if (report.api !== 200)
    return {
      service: 'api',
      why: report.api === 0 ? 'the API does not answer' : `the API's health is ${report.api}`,
    };
  for (const [service, what] of [
    ['prometheus', 'Prometheus /-/ready'],
    ['grafana', 'Grafana /api/health'],
  ] as const) {
    const code = report[service] ?? 0;
    if (services.includes(service) && code !== 200)
      return { service, why: code === 0 ? `${what} does not answer` : `${what} answers ${code}` };
  }
  if (report.group !== 'Stable')
    return { service: 'processor', why: `the processor group is ${report.group ?? 'not there'}, not Stable` };
  return undefined;
}
