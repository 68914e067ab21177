import { HOST_LAYOUT, unitName, type HostLayout, type ServiceName } from '../layout.js';
import { MONITORING_LAYOUT, type MonitoringLayout } from '../monitoring.js';
import type { HostFile } from './files.js';
import { monitoringProbes } from './monitoring-commands.js';
import { renderTemplateFile } from './render.js';
import { quote, shellJoin } from './shell.js';

/**
 * Pure builders of what runs on a host: each returns a {@link RemoteStep}, an sh script run as root
 * (the executor adds `sudo -n` for a non-root user) and what goes to its stdin. Nothing here runs
 * anything, so tests assert the exact text, and `--dry-run` prints exactly what a deploy would run.
 */
export interface RemoteStep {
  /** What the step does, in a few words (progress, dry-run, errors). */
  title: string;
  script: string;
  /** The script's stdin: a local file (an upload) or text (a file's content, possibly secret). */
  input?: StepInput;
  /** Longer than the executor's default command timeout (the npm install). */
  timeoutMs?: number;
}

export type StepInput = { kind: 'file'; path: string } | { kind: 'text'; text: string; secret: boolean };

const L = HOST_LAYOUT;

/** Reads the host: OS, systemd, node, free space, the current release, file hashes, units, busy ports. */
export function preflightStep(args: {
  releaseId: string;
  files: readonly string[];
  services: readonly ServiceName[];
  ports: Partial<Record<ServiceName, number>>;
  allServices: readonly ServiceName[];
  /** Debian's Prometheus binary, and the directory of the Grafana tarball (--monitoring). */
  prometheusBin: string;
  grafanaDir: string;
  layout?: HostLayout;
}): RemoteStep {
  const layout = args.layout ?? L;
  const script = renderTemplateFile('host/preflight.sh', {
    prometheus_bin: args.prometheusBin,
    grafana_dir: args.grafanaDir,
    root: layout.root,
    current: layout.current,
    releases: layout.releases,
    release_id: args.releaseId,
    files: args.files.join(' '),
    unit_dir: layout.unitDir,
    all_units: args.allServices.map(unitName).join(' '),
    unit_ports: args.services.map((s) => `${unitName(s)}:${String(args.ports[s])}`).join(' '),
  });
  return { title: 'inspect the host', script };
}

/**
 * The system user and the directories (idempotent), with a `file://` archive's directory when there is
 * one; clears the previous deploy's rollback copies.
 */
export function setupStep(archiveDir?: string, layout: HostLayout = L): RemoteStep {
  const script = renderTemplateFile('host/setup-host.sh', {
    user: layout.user,
    data_dir: layout.dataDir,
    root: layout.root,
    releases: layout.releases,
    upload_dir: layout.uploadDir,
    rollback_dir: layout.rollbackDir,
    etc_dir: layout.etcDir,
  });
  const archive =
    archiveDir === undefined
      ? ''
      : `install -d -m 0750 -o ${layout.user} -g ${layout.user} ${quote(archiveDir)}\n`;
  return {
    title: 'create the citystream user and directories',
    script: `${script}${archive}rm -f ${layout.rollbackDir}/*\n`,
  };
}

/** Streams a local file into the upload area (root only, mode 0600). */
export function uploadStep(localPath: string, remoteName: string, layout: HostLayout = L): RemoteStep {
  const target = `${layout.uploadDir}/${remoteName}`;
  return {
    title: `upload ${remoteName}`,
    script: `umask 077 && cat > ${quote(target)}`,
    input: { kind: 'file', path: localPath },
  };
}

export function installReleaseStep(releaseId: string, layout: HostLayout = L): RemoteStep {
  const script = renderTemplateFile('host/install-release.sh', {
    releases: layout.releases,
    release_id: releaseId,
    upload_dir: layout.uploadDir,
  });
  return { title: `install release ${releaseId} (npm ci --omit=dev)`, script, timeoutMs: 600_000 };
}

/**
 * Writes one file atomically (temporary file in the same directory, then rename) with its owner and mode
 * set before it appears; its content arrives on stdin. A file it replaces is kept in the rollback directory.
 */
export function writeFileStep(file: HostFile, layout: HostLayout = L): RemoteStep {
  const p = quote(file.path);
  const backup = quote(`${layout.rollbackDir}/${basename(file.path)}`);
  const script = [
    'set -eu',
    'umask 077',
    `if [ -f ${p} ]; then cp -p ${p} ${backup}; fi`,
    `tmp=$(mktemp ${quote(`${file.path}.XXXXXX`)})`,
    'cat > "$tmp"',
    `chown ${file.owner}:${file.group} "$tmp"`,
    `chmod ${file.mode} "$tmp"`,
    `mv -f "$tmp" ${p}`,
  ].join('\n');
  return {
    title: `write ${file.path}`,
    script,
    input: { kind: 'text', text: file.content, secret: file.secret },
  };
}

/** Points `current` at a release, atomically (a new link renamed over the old one). */
export function activateStep(releaseId: string, layout: HostLayout = L): RemoteStep {
  const next = `${layout.current}.next`;
  return {
    title: `switch ${layout.current} to release ${releaseId}`,
    script: `ln -sfn ${quote(`releases/${releaseId}`)} ${quote(next)} && mv -Tf ${quote(next)} ${quote(layout.current)}`,
  };
}

/** Reloads systemd, enables the wanted units, and stops, disables and deletes units no longer wanted. */
export function unitsStep(
  enable: readonly ServiceName[],
  remove: readonly ServiceName[],
  layout: HostLayout = L,
): RemoteStep {
  const lines = ['set -eu'];
  if (remove.length > 0) {
    lines.push(`systemctl disable --now ${units(remove)} || true`);
    lines.push(`rm -f ${remove.map((s) => `${layout.unitDir}/${unitName(s)}.service`).join(' ')}`);
  }
  lines.push('systemctl daemon-reload');
  if (enable.length > 0) lines.push(`systemctl enable --quiet ${units(enable)}`);
  return { title: 'reload systemd and enable the units', script: lines.join('\n') };
}

export function systemctlStep(
  verb: 'start' | 'restart' | 'stop',
  services: readonly ServiceName[],
): RemoteStep {
  return { title: `${verb} ${services.join(', ')}`, script: `systemctl ${verb} ${units(services)}` };
}

/** Runs the installed citystream as root with the services' environment and configuration. */
export function citystreamCommand(args: readonly string[], layout: HostLayout = L): string {
  return [
    '(',
    `  cd ${layout.dataDir} || exit 1`,
    '  set -a',
    '  # shellcheck source=/dev/null',
    `  . ${layout.envFile}`,
    '  set +a',
    `  exec node ${layout.current}/bin/citystream.js --config ${layout.configFile} ${shellJoin(args)}`,
    ')',
  ].join('\n');
}

/** Waits (bounded) for a local TCP port on the host to accept connections. */
export function waitForPortScript(port: number, timeoutSeconds: number): string {
  return `node -e ${quote(
    'const net = require("net"); const port = Number(process.argv[1]); const deadline = Date.now() + Number(process.argv[2]) * 1000;' +
      ' const attempt = () => { const s = net.connect(port, "127.0.0.1"); s.once("connect", () => { s.end(); process.exit(0); });' +
      ' s.once("error", () => { s.destroy(); if (Date.now() > deadline) { console.error("nothing listens on 127.0.0.1:" + port); process.exit(1); } setTimeout(attempt, 200); }); }; attempt();',
  )} ${port} ${timeoutSeconds}`;
}

/** Creates the stack's tables (idempotent) once the embedded DynamoDB answers. */
export function createTablesStep(dynamoPort: number | undefined, layout: HostLayout = L): RemoteStep {
  const wait = dynamoPort === undefined ? [] : [waitForPortScript(dynamoPort, 60)];
  return {
    title: 'create the tables (if missing)',
    script: [
      'set -eu',
      ...wait,
      `${citystreamCommand(['--json', 'tables', 'create'], layout)} >/dev/null`,
    ].join('\n'),
    timeoutMs: 180_000,
  };
}

/** Prints the HTTP status of a URL on the host (0: no answer within 3 s); the URL is its argument. */
const FETCH_STATUS =
  'fetch(process.argv[1], { signal: AbortSignal.timeout(3000) }).then((r) => console.log(r.status), () => console.log(0))';

function statusLine(name: string, url: string): string {
  return `echo "${name} $(node -e ${quote(FETCH_STATUS)} ${url})"`;
}

/** The ports the health probe and status ask on the host. */
export interface ProbePorts {
  api: number;
  prometheus: number;
  grafana: number;
}

/**
 * One health probe: each unit's state, the API's health status code, with --monitoring Prometheus's
 * /-/ready and Grafana's /api/health, and (once units and API are fine) the processor group's state
 * through the release's own `citystream lag --json`. One line per fact.
 */
export function healthProbeStep(
  services: readonly ServiceName[],
  ports: ProbePorts,
  layout: HostLayout = L,
): RemoteStep {
  const monitoring = services.includes('prometheus')
    ? monitoringProbes(ports).map((p) => statusLine(p.name, p.url))
    : [];
  const lines = [
    'set -u',
    'ok=yes',
    `for u in ${services.map(unitName).join(' ')}; do`,
    '  state=$(systemctl is-active "$u.service" 2>/dev/null || true)',
    '  echo "unit $u $state"',
    '  [ "$state" = active ] || ok=no',
    'done',
    `api=$(node -e ${quote(FETCH_STATUS)} http://127.0.0.1:${ports.api}/api/v1/health)`,
    'echo "api $api"',
    '[ "$api" = 200 ] || ok=no',
    ...monitoring,
    'if [ "$ok" = yes ]; then',
    `  state=$( ${citystreamCommand(['--json', 'lag'], layout)} 2>/dev/null | node -e ${quote(
      'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => { try { console.log(JSON.parse(s).state ?? "none"); } catch { console.log("none"); } })',
    )})`,
    '  echo "group $state"',
    'fi',
  ];
  return { title: 'probe health', script: lines.join('\n') };
}

/** The last lines of a unit's journal, for a failure message. */
export function journalTailStep(service: ServiceName, lines: number): RemoteStep {
  return {
    title: `read the journal of ${unitName(service)}`,
    script: `journalctl --no-pager -o cat -n ${lines} -u ${unitName(service)}.service`,
  };
}

export interface JournalOptions {
  lines?: number;
  /** Only entries newer than this many seconds. */
  sinceSeconds?: number;
  follow?: boolean;
}

/**
 * journalctl over the given services. With follow, the remote shell also reads its stdin and stops
 * journalctl when it closes, so closing the SSH channel (Ctrl-C on our side) leaves nothing behind on the host.
 */
export function journalStep(services: readonly ServiceName[], options: JournalOptions): RemoteStep {
  const argv = ['journalctl', '--no-pager', '-o', 'short-iso'];
  for (const s of services) argv.push('-u', `${unitName(s)}.service`);
  if (options.lines !== undefined) argv.push('-n', String(options.lines));
  if (options.sinceSeconds !== undefined) argv.push(`--since=-${options.sinceSeconds}s`);
  if (!options.follow) return { title: 'read the journal', script: shellJoin(argv) };
  argv.push('-f');
  return {
    title: 'follow the journal',
    script: `${shellJoin(argv)} &\npid=$!\ncat >/dev/null\nkill "$pid" 2>/dev/null || true\nwait "$pid" 2>/dev/null || true`,
  };
}

/**
 * The state `citystream status` shows: per unit systemd's view, the release in use, the API's health and
 * the processor group's lag. Sections are separated by marker lines.
 */
export function statusStep(
  services: readonly ServiceName[],
  apiPort: number | undefined,
  layout: HostLayout = L,
  monitoring?: { prometheus: number; grafana: number },
): RemoteStep {
  const lines = [
    'set -u',
    `echo "release $(basename "$(readlink ${layout.current} 2>/dev/null || echo none)")"`,
    `for u in ${services.map(unitName).join(' ')}; do`,
    '  echo "--- unit $u"',
    '  systemctl show "$u.service" -p ActiveState -p SubState -p ActiveEnterTimestamp -p NRestarts -p UnitFileState 2>/dev/null || true',
    'done',
  ];
  if (apiPort !== undefined) lines.push(statusLine('api', `http://127.0.0.1:${apiPort}/api/v1/health`));
  if (monitoring) for (const p of monitoringProbes(monitoring)) lines.push(statusLine(p.name, p.url));
  lines.push(`if [ -e ${layout.current} ]; then`);
  lines.push('  echo "--- lag"');
  lines.push(`  ${citystreamCommand(['--json', 'lag'], layout)} 2>&1 || true`);
  lines.push('fi');
  return { title: 'read the stack state', script: lines.join('\n') };
}

/**
 * Puts the previous release and the files this deploy replaced back (a file the deploy created is
 * removed), stops the units this deploy added, reloads systemd and restarts the given services.
 */
export function rollbackStep(args: {
  previousRelease: string;
  files: ReadonlyArray<{ path: string; existed: boolean }>;
  restart: readonly ServiceName[];
  /** Units this deploy added: stopped and disabled before their files go. */
  stop?: readonly ServiceName[];
  layout?: HostLayout;
}): RemoteStep {
  const layout = args.layout ?? L;
  const lines = ['set -eu'];
  if (args.stop && args.stop.length > 0) lines.push(`systemctl disable --now ${units(args.stop)} || true`);
  for (const f of args.files) {
    const backup = quote(`${layout.rollbackDir}/${basename(f.path)}`);
    lines.push(f.existed ? `mv -f ${backup} ${quote(f.path)}` : `rm -f ${quote(f.path)}`);
  }
  lines.push(activateStep(args.previousRelease, layout).script);
  lines.push('systemctl daemon-reload');
  if (args.restart.length > 0) lines.push(`systemctl restart ${units(args.restart)}`);
  return { title: `roll back to release ${args.previousRelease}`, script: lines.join('\n') };
}

export function teardownStep(
  keepData: boolean,
  layout: HostLayout = L,
  mon: MonitoringLayout = MONITORING_LAYOUT,
): RemoteStep {
  const script = renderTemplateFile('host/teardown.sh', {
    keep_data: keepData ? 'yes' : 'no',
    unit_dir: layout.unitDir,
    root: layout.root,
    etc_dir: layout.etcDir,
    monitoring_etc_dir: mon.etcDir,
    data_dir: layout.dataDir,
    user: layout.user,
    monitoring_data_dir: mon.dataDir,
    monitoring_user: mon.user,
  });
  return { title: 'remove citystream from the host', script };
}

/** What teardown would find, without changing anything (for --dry-run and the confirmation). */
export function inventoryStep(layout: HostLayout = L, mon: MonitoringLayout = MONITORING_LAYOUT): RemoteStep {
  const dirs = [layout.root, layout.etcDir, layout.dataDir, mon.etcDir, mon.dataDir];
  const script = [
    `for f in ${layout.unitDir}/citystream-*.service; do [ -e "$f" ] && echo "unit $(basename "$f")"; done`,
    `for d in ${dirs.join(' ')}; do [ -e "$d" ] && echo "path $d"; done`,
    'true',
  ].join('\n');
  return { title: 'list what citystream installed', script };
}

function units(services: readonly ServiceName[]): string {
  return services.map((s) => `${unitName(s)}.service`).join(' ');
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
