import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dryRunText } from '../../src/deploy/dry-run.js';
import { HOST_LAYOUT, SERVICE_NAMES } from '../../src/deploy/layout.js';
import {
  grafanaArtifactProblem,
  grafanaInstallDir,
  MONITORING_LAYOUT,
  PINNED_GRAFANA,
} from '../../src/deploy/monitoring.js';
import { resolveDeployOptions, wantedServices, type DeployOptionsGiven } from '../../src/deploy/options.js';
import { parseHealth, parsePreflight, planDeploy, unhealthy } from '../../src/deploy/plan.js';
import * as remote from '../../src/deploy/remote/commands.js';
import { hostFiles } from '../../src/deploy/remote/files.js';
import {
  installGrafanaStep,
  installPrometheusStep,
  setupMonitoringStep,
} from '../../src/deploy/remote/monitoring-commands.js';
import { monitoringFiles } from '../../src/deploy/remote/monitoring-files.js';
import { TEMPLATES_DIR } from '../../src/deploy/remote/render.js';
import { SshExecutor } from '../../src/deploy/ssh/executor.js';
import { deploySteps, freshHostSteps } from '../../src/deploy/steps.js';
import { runCli } from '../support/cli.js';
import { packGrafanaStandIn, serveArtifact, type GrafanaArtifactServer } from './support/grafana-artifact.js';

// `deploy --monitoring` as values: the files, the plan, the steps and the dry run, without a host. The
// Grafana install script also runs here for real (against a local HTTP server and temporary directories).

const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const SECRET = 'tok-monitoring-123';
const options = (given: DeployOptionsGiven = {}) =>
  resolveDeployOptions(
    { host: '203.0.113.10' },
    { monitoring: true, secrets: { CITYSTREAM_API_TOKEN: SECRET }, ...given },
  );
const monitored = options();
const services = wantedServices(monitored);
const files = hostFiles(monitored, services, '/usr/bin/node');
const fileOf = (name: string) => files.find((f) => f.path.endsWith(`/${name}`))!;
const execStart = (content: string) => /^ExecStart=(.*)$/m.exec(content)?.[1];

function facts(args: {
  current?: string;
  hashes?: Record<string, string>;
  active?: readonly string[];
  prometheus?: boolean;
  grafana?: boolean;
}): ReturnType<typeof parsePreflight> {
  const active = args.active ?? [];
  return parsePreflight(
    [
      'os=Linux',
      'systemd=running',
      'node=/usr/bin/node',
      'node_version=v20.11.0',
      'npm=yes',
      'arch=x86_64',
      'apt=yes',
      `prometheus_bin=${args.prometheus ? 'yes' : 'no'}`,
      `grafana_present=${args.grafana ? 'yes' : 'no'}`,
      'free_mb=5000',
      `current=${args.current ?? ''}`,
      `release_present=${args.current ? 'yes' : 'no'}`,
      ...files.map((f) => `file ${args.hashes?.[f.path] ?? '-'} ${f.path}`),
      ...SERVICE_NAMES.map(
        (s) =>
          `unit citystream-${s} ${active.includes(s) ? 'active' : 'inactive'} ${active.includes(s) ? 'yes' : 'no'}`,
      ),
    ].join('\n'),
  );
}
const installed = () =>
  facts({
    current: 'r1',
    hashes: Object.fromEntries(files.map((f) => [f.path, sha(f.content)])),
    active: services,
    prometheus: true,
    grafana: true,
  });

describe('monitoring files', () => {
  it('adds the two units and the Prometheus and Grafana files, unique by basename', () => {
    expect(services).toEqual(['broker', 'dynamodb', 'processor', 'api', 'producer', 'prometheus', 'grafana']);
    const mon = files.filter((f) => f.affects.some((s) => s === 'prometheus' || s === 'grafana'));
    expect(mon.map((f) => f.path)).toEqual([
      '/etc/citystream-monitoring/prometheus.yml',
      '/etc/citystream-monitoring/prometheus-rules.yml',
      '/etc/systemd/system/citystream-prometheus.service',
      '/etc/citystream-monitoring/grafana.ini',
      '/etc/citystream-monitoring/grafana/provisioning/datasources/citystream-datasource.yml',
      '/etc/citystream-monitoring/grafana/provisioning/dashboards/citystream-dashboards.yml',
      '/etc/citystream-monitoring/grafana/dashboards/api.json',
      '/etc/citystream-monitoring/grafana/dashboards/clickstream.json',
      '/etc/citystream-monitoring/grafana/dashboards/pipeline-overview.json',
      '/etc/systemd/system/citystream-grafana.service',
    ]);
    // The rollback directory keeps its copies by basename.
    const names = files.map((f) => path.basename(f.path));
    expect(new Set(names).size).toBe(names.length);
    // The release's shared files restart only the release's services.
    expect(fileOf('citystream.config.json').affects).toEqual([
      'broker',
      'dynamodb',
      'processor',
      'api',
      'producer',
    ]);
    for (const f of mon) expect(f.secret).toBe(false);
    for (const f of mon.filter((f) => f.path.startsWith('/etc/citystream-monitoring/')))
      expect(f).toMatchObject({ mode: '0640', owner: 'root', group: 'citystream-monitoring' });
  });

  it('binds Prometheus and Grafana to 127.0.0.1 and runs them as the monitoring user', () => {
    const prometheus = fileOf('citystream-prometheus.service').content;
    expect(execStart(prometheus)).toBe(
      '/usr/bin/prometheus --config.file=/etc/citystream-monitoring/prometheus.yml --storage.tsdb.path=/var/lib/citystream-monitoring/prometheus --web.listen-address=127.0.0.1:9090',
    );
    const grafana = fileOf('citystream-grafana.service').content;
    const dir = `/opt/citystream/grafana/${PINNED_GRAFANA.sha256.slice(0, 16)}`;
    expect(execStart(grafana)).toBe(
      `${dir}/bin/grafana server --homepath ${dir} --config /etc/citystream-monitoring/grafana.ini`,
    );
    const ini = fileOf('grafana.ini').content;
    expect(ini).toMatch(/^http_addr = 127\.0\.0\.1$/m);
    expect(ini).toMatch(/^http_port = 3000$/m);
    expect(ini).toMatch(
      /^admin_password = \$__file\{\/etc\/citystream-monitoring\/grafana-admin-password\}$/m,
    );
    expect(ini).toMatch(/^secret_key = \$__file\{\/etc\/citystream-monitoring\/grafana-secret-key\}$/m);
    expect(ini).toMatch(/^\[auth\.anonymous\]\nenabled = false$/m);
    for (const unit of [prometheus, grafana]) {
      expect(unit).toMatch(/^User=citystream-monitoring$/m);
      expect(unit).toMatch(/^ReadWritePaths=\/var\/lib\/citystream-monitoring$/m);
      expect(unit).not.toMatch(/EnvironmentFile/);
    }
    for (const f of files.filter((f) => f.affects.includes('prometheus') || f.affects.includes('grafana')))
      expect(f.content).not.toContain('0.0.0.0');
  });

  it("carries the release units' hardening over to the monitoring units", () => {
    const hardening = (content: string) =>
      content
        .split('\n')
        .filter((l) =>
          /^(NoNewPrivileges|Protect\w+|Private\w+|Restrict\w+|LockPersonality|Restart\w*)=/.test(l),
        );
    const api = hardening(fileOf('citystream-api.service').content);
    expect(api.length).toBeGreaterThan(8);
    expect(hardening(fileOf('citystream-prometheus.service').content)).toEqual(api);
    expect(hardening(fileOf('citystream-grafana.service').content)).toEqual(api);
  });

  it('scrapes each running service on 127.0.0.1; the datasource points at Prometheus; dashboards as shipped', () => {
    const scrape = fileOf('prometheus.yml').content;
    expect(scrape).toContain('targets: ["127.0.0.1:9464"]');
    expect(scrape).toContain('targets: ["127.0.0.1:8082"]');
    expect(scrape).toContain('targets: ["127.0.0.1:9465"]');
    expect(scrape).toContain('- "/etc/citystream-monitoring/prometheus-rules.yml"');
    const quiet = options({ producer: false, ports: { processorMetrics: 19464, prometheus: 19090 } });
    const quietFiles = monitoringFiles(quiet, wantedServices(quiet));
    const quietScrape = quietFiles.find((f) => f.path.endsWith('/prometheus.yml'))!.content;
    expect(quietScrape).toContain('targets: ["127.0.0.1:19464"]');
    expect(quietScrape).toMatch(
      /job_name: citystream-producer\n\s+metrics_path: \/metrics\n\s+static_configs:\n\s+- targets: \[\]/,
    );
    expect(quietFiles.find((f) => f.path.endsWith('citystream-datasource.yml'))!.content).toContain(
      'url: http://127.0.0.1:19090',
    );
    expect(fileOf('citystream-dashboards.yml').content).toContain(
      'path: /etc/citystream-monitoring/grafana/dashboards',
    );
    for (const name of ['api.json', 'clickstream.json', 'pipeline-overview.json'])
      expect(fileOf(name).content).toBe(
        readFileSync(path.join(TEMPLATES_DIR, 'grafana/dashboards', name), 'utf8'),
      );
    expect(fileOf('prometheus-rules.yml').content).toBe(
      readFileSync(path.join(TEMPLATES_DIR, 'prometheus/rules.yml'), 'utf8'),
    );
  });

  it('the rendered scrape config passes promtool', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'citystream-mon-promtool-'));
    const rules = path.join(dir, 'prometheus-rules.yml');
    writeFileSync(rules, fileOf('prometheus-rules.yml').content);
    const config = path.join(dir, 'prometheus.yml');
    writeFileSync(config, fileOf('prometheus.yml').content.replace(MONITORING_LAYOUT.prometheusRules, rules));
    const out = execFileSync('promtool', ['check', 'config', config], { encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS/);
  });

  it('every monitoring unit passes systemd-analyze verify', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'citystream-mon-verify-'));
    // verify wants ExecStart's binary to exist: a Grafana directory under a temporary root.
    const mon = { ...MONITORING_LAYOUT, grafanaInstalls: path.join(dir, 'grafana') };
    const bin = path.join(grafanaInstallDir(monitored.grafana, mon), 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(path.join(bin, 'grafana'), '#!/bin/sh\n');
    chmodSync(path.join(bin, 'grafana'), 0o755);
    const units = monitoringFiles(monitored, services, HOST_LAYOUT, mon)
      .filter((f) => f.path.endsWith('.service'))
      .map((f) => {
        const p = path.join(dir, path.basename(f.path));
        writeFileSync(p, f.content);
        return p;
      });
    expect(units.map((u) => path.basename(u))).toEqual([
      'citystream-prometheus.service',
      'citystream-grafana.service',
    ]);
    const verify = spawnSync('systemd-analyze', ['verify', ...units], { encoding: 'utf8' });
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
  });
});

describe('the monitoring plan', () => {
  it('installs Prometheus and Grafana and starts both on a fresh host, after the pipeline', () => {
    const plan = planDeploy({ releaseId: 'r1', services, files, hashOf: sha, facts: facts({}) });
    expect(plan).toMatchObject({
      installPrometheus: true,
      installGrafana: true,
      start: services,
      unchanged: false,
    });
    const titles = deploySteps(plan, { tarball: 't', lockfile: 'l' }, services, monitored).map(
      (s) => s.title,
    );
    expect(titles.slice(0, 2)).toEqual([
      'create the citystream user and directories',
      'create the monitoring user and directories, and the Grafana secrets',
    ]);
    expect(titles.indexOf("install Prometheus (Debian's package)")).toBeGreaterThan(
      titles.indexOf('install release r1 (npm ci --omit=dev)'),
    );
    expect(titles.indexOf(`install Grafana (sha256 ${PINNED_GRAFANA.sha256.slice(0, 12)}…)`)).toBeLessThan(
      titles.indexOf('write /etc/citystream-monitoring/grafana.ini'),
    );
    expect(titles.slice(-2)).toEqual(['start processor, api, producer', 'start prometheus, grafana']);
  });

  it('changes and restarts nothing when everything is as wanted', () => {
    const plan = planDeploy({ releaseId: 'r1', services, files, hashOf: sha, facts: installed() });
    expect(plan).toMatchObject({
      installPrometheus: false,
      installGrafana: false,
      writes: [],
      restart: [],
      start: [],
      unchanged: true,
    });
  });

  it('a new release restarts the pipeline, not Prometheus or Grafana', () => {
    const plan = planDeploy({ releaseId: 'r2', services, files, hashOf: sha, facts: installed() });
    expect(plan.restart).toEqual(['broker', 'dynamodb', 'processor', 'api', 'producer']);
  });

  it('a new Prometheus port restarts Prometheus and Grafana (its datasource) only', () => {
    const moved = options({ ports: { prometheus: 19090 } });
    const plan = planDeploy({
      releaseId: 'r1',
      services,
      files: hostFiles(moved, services, '/usr/bin/node'),
      hashOf: sha,
      facts: installed(),
    });
    expect(plan.writes.map((w) => path.basename(w.path))).toEqual([
      'citystream-prometheus.service',
      'citystream-datasource.yml',
    ]);
    expect(plan.restart).toEqual(['prometheus', 'grafana']);
  });

  it('another Grafana tarball is installed beside the old one and restarts Grafana only', () => {
    const other = options({ grafana: { url: 'https://mirror.example/g.tar.gz', sha256: 'ab'.repeat(32) } });
    const changed = hostFiles(other, services, '/usr/bin/node');
    const plan = planDeploy({
      releaseId: 'r1',
      services,
      files: changed,
      hashOf: sha,
      facts: { ...installed(), grafanaInstalled: false },
    });
    expect(plan).toMatchObject({ installGrafana: true, installPrometheus: false, restart: ['grafana'] });
    expect(execStart(changed.find((f) => f.path.endsWith('citystream-grafana.service'))!.content)).toContain(
      '/opt/citystream/grafana/abababababababab/bin/grafana',
    );
  });

  it('a deploy without --monitoring removes the monitoring units', () => {
    const plain = options({ monitoring: false });
    const plan = planDeploy({
      releaseId: 'r1',
      services: wantedServices(plain),
      files: hostFiles(plain, wantedServices(plain), '/usr/bin/node'),
      hashOf: sha,
      facts: installed(),
    });
    expect(plan).toMatchObject({ remove: ['prometheus', 'grafana'], installGrafana: false, restart: [] });
  });

  it('a rollback stops the units this deploy added instead of restarting them', () => {
    expect(
      remote.rollbackStep({
        previousRelease: 'r1',
        files: [{ path: '/etc/systemd/system/citystream-grafana.service', existed: false }],
        stop: ['prometheus', 'grafana'],
        restart: ['api'],
      }).script,
    ).toBe(
      [
        'set -eu',
        'systemctl disable --now citystream-prometheus.service citystream-grafana.service || true',
        'rm -f /etc/systemd/system/citystream-grafana.service',
        'ln -sfn releases/r1 /opt/citystream/current.next && mv -Tf /opt/citystream/current.next /opt/citystream/current',
        'systemctl daemon-reload',
        'systemctl restart citystream-api.service',
      ].join('\n'),
    );
  });

  it('health waits for Prometheus /-/ready and Grafana /api/health', () => {
    const units = services.map((s) => `unit citystream-${s} active`).join('\n');
    const ok = `${units}\napi 200\nprometheus 200\ngrafana 200\ngroup Stable\n`;
    expect(unhealthy(parseHealth(ok), services)).toBeUndefined();
    expect(unhealthy(parseHealth(ok.replace('prometheus 200', 'prometheus 503')), services)).toEqual({
      service: 'prometheus',
      why: 'Prometheus /-/ready answers 503',
    });
    expect(unhealthy(parseHealth(ok.replace('grafana 200', 'grafana 0')), services)).toEqual({
      service: 'grafana',
      why: 'Grafana /api/health does not answer',
    });
    const probe = remote.healthProbeStep(services, monitored.ports).script;
    expect(probe).toContain('echo "prometheus $(node -e');
    expect(probe).toContain('http://127.0.0.1:9090/-/ready');
    expect(probe).toContain('http://127.0.0.1:3000/api/health');
    expect(
      remote.healthProbeStep(wantedServices(options({ monitoring: false })), monitored.ports).script,
    ).not.toContain('prometheus');
  });
});

describe('the monitoring dry run', () => {
  const text = dryRunText({ host: '203.0.113.10', user: 'root', port: 22 }, monitored, services, {
    releaseId: '0.1.0-abc',
    tarball: '/tmp/citystream.tgz',
    lockfile: '/tmp/package-lock.json',
  });

  it('shows the monitoring steps, units and files, with 127.0.0.1 bindings and no secret', () => {
    expect(text).toContain("install Prometheus (Debian's package)");
    expect(text).toContain(`url=${PINNED_GRAFANA.url}`);
    expect(text).toContain(`!= ${PINNED_GRAFANA.sha256}`);
    expect(text).toMatch(/^## \d+\. write \/etc\/systemd\/system\/citystream-prometheus\.service$/m);
    expect(text).toMatch(/^## \d+\. start prometheus, grafana$/m);
    expect(text).toContain('--web.listen-address=127.0.0.1:9090');
    expect(text).toContain('http_addr = 127.0.0.1');
    expect(text).toContain('od -An -N24 -tx1 /dev/urandom');
    expect(text).toContain('http://127.0.0.1:3000/api/health');
    expect(text).not.toContain(SECRET);
    expect(text).toContain("CITYSTREAM_API_TOKEN='******'");
    // The only admin password line is Grafana's reference to the file generated on the host.
    expect(text.match(/admin_password.*/g)).toEqual([
      'admin_password = $__file{/etc/citystream-monitoring/grafana-admin-password}',
    ]);
  });

  it('every new host script passes shellcheck', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'citystream-mon-sh-'));
    const scripts: Record<string, string> = {
      setupMonitoring: setupMonitoringStep().script,
      installPrometheus: installPrometheusStep().script,
      installGrafana: installGrafanaStep(monitored.grafana).script,
      preflight: freshHostSteps(monitored, { releaseId: 'r', tarball: 't', lockfile: 'l' })[0]!.script,
      health: remote.healthProbeStep(services, monitored.ports).script,
      status: remote.statusStep(services, 8082, HOST_LAYOUT, { prometheus: 9090, grafana: 3000 }).script,
      teardown: remote.teardownStep(false).script,
      teardownKeep: remote.teardownStep(true).script,
      inventory: remote.inventoryStep().script,
      rollback: remote.rollbackStep({
        previousRelease: 'a',
        files: [{ path: '/etc/x', existed: false }],
        stop: ['prometheus', 'grafana'],
        restart: ['api'],
      }).script,
    };
    for (const [name, script] of Object.entries(scripts)) {
      const p = path.join(dir, `${name}.sh`);
      writeFileSync(p, script.startsWith('#!') ? script : `#!/bin/sh\n${script}\n`);
      const check = spawnSync('shellcheck', ['--shell=sh', '--severity=info', p], { encoding: 'utf8' });
      expect(check.stdout, `${name}.sh fails shellcheck`).toBe('');
      expect(check.status).toBe(0);
    }
  });

  it('teardown removes the monitoring directories and user, or keeps the data', () => {
    const script = remote.teardownStep(false).script;
    expect(script).toContain('for d in /opt/citystream /etc/citystream /etc/citystream-monitoring; do');
    expect(script).toContain(
      'for pair in /var/lib/citystream:citystream /var/lib/citystream-monitoring:citystream-monitoring; do',
    );
    expect(remote.inventoryStep().script).toContain(
      '/etc/citystream-monitoring /var/lib/citystream-monitoring',
    );
  });
});

describe('the Grafana artifact', () => {
  it('refuses a URL with credentials, another scheme or a malformed checksum', () => {
    const ok = 'a'.repeat(64);
    expect(
      grafanaArtifactProblem({ url: PINNED_GRAFANA.url, sha256: PINNED_GRAFANA.sha256 }),
    ).toBeUndefined();
    expect(grafanaArtifactProblem({ url: 'https://u:p@mirror.example/g.tgz', sha256: ok })).toMatch(
      /credentials/,
    );
    expect(grafanaArtifactProblem({ url: 'file:///tmp/g.tgz', sha256: ok })).toMatch(/http\(s\) URL/);
    expect(grafanaArtifactProblem({ url: 'https://mirror.example/g.tgz', sha256: 'ABC' })).toMatch(
      /64 lower-case hex/,
    );
  });

  it('the deploy flags: tarball and checksum go together, and only with --monitoring', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'citystream-mon-flags-'));
    const alone = await runCli(
      ['deploy', '--host', 'root@127.0.0.1', '--monitoring', '--grafana-tarball', 'https://m.example/g.tgz'],
      { cwd },
    );
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/^Error: --grafana-tarball and --grafana-sha256 go together/);
    const without = await runCli(
      [
        'deploy',
        '--host',
        'root@127.0.0.1',
        '--grafana-tarball',
        'https://m.example/g.tgz',
        '--grafana-sha256',
        'a'.repeat(64),
      ],
      { cwd },
    );
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/--grafana-tarball is for --monitoring/);
    const aws = await runCli(['deploy', '--monitoring', '--dry-run'], { cwd });
    expect(aws.code).toBe(2);
    expect(aws.stderr).toMatch(/--monitoring is not available on the AWS deploy yet: only with --host/);
    expect(aws.stderr).toMatch(/--host USER@ADDRESS --monitoring/);
  });
});

describe('install-grafana.sh, run here against a local server', () => {
  let dir: string;
  let good: GrafanaArtifactServer;
  let empty: GrafanaArtifactServer;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'citystream-mon-install-'));
    good = await serveArtifact(packGrafanaStandIn(dir));
    empty = await serveArtifact(packGrafanaStandIn(dir, { withBinary: false }));
  });
  afterAll(async () => {
    await good?.close();
    await empty?.close();
  });
  const layouts = (name: string) => {
    const root = path.join(dir, name);
    mkdirSync(path.join(root, 'upload'), { recursive: true });
    mkdirSync(path.join(root, 'grafana'), { recursive: true });
    return {
      layout: { ...HOST_LAYOUT, uploadDir: path.join(root, 'upload') },
      mon: { ...MONITORING_LAYOUT, grafanaInstalls: path.join(root, 'grafana') },
    };
  };
  // Asynchronously: the script downloads from a server in this very process.
  const run = (script: string) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('sh', ['-c', script]);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });

  it('installs a tarball whose SHA-256 matches, under its final name', async () => {
    const { layout, mon } = layouts('ok');
    const artifact = { url: good.url, sha256: good.sha256 };
    const result = await run(installGrafanaStep(artifact, layout, mon).script);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const installedDir = grafanaInstallDir(artifact, mon);
    expect(result.stdout).toBe(`installed Grafana in ${installedDir}\n`);
    expect(readFileSync(path.join(installedDir, '.citystream-installed'), 'utf8').trim()).toBe(good.sha256);
    expect(existsSync(path.join(installedDir, 'bin', 'grafana'))).toBe(true);
    expect(existsSync(path.join(layout.uploadDir, 'grafana.tar.gz'))).toBe(false);
  });

  it('refuses a tarball with another SHA-256 before unpacking anything', async () => {
    const { layout, mon } = layouts('mismatch');
    const artifact = { url: good.url, sha256: 'f'.repeat(64) };
    const result = await run(installGrafanaStep(artifact, layout, mon).script);
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      `the Grafana tarball ${good.url} has SHA-256 ${good.sha256}, not the pinned ${'f'.repeat(64)}: nothing installed`,
    );
    expect(execFileSync('ls', ['-A', mon.grafanaInstalls], { encoding: 'utf8' })).toBe('');
    expect(existsSync(path.join(layout.uploadDir, 'grafana.tar.gz'))).toBe(false);
  });

  it('refuses a tarball without bin/grafana, and says when the download fails', async () => {
    const { layout, mon } = layouts('empty');
    const notGrafana = await run(
      installGrafanaStep({ url: empty.url, sha256: empty.sha256 }, layout, mon).script,
    );
    expect(notGrafana.status).toBe(1);
    expect(notGrafana.stderr.trim()).toBe(
      `the Grafana tarball ${empty.url} has no bin/grafana: nothing installed`,
    );
    expect(execFileSync('ls', ['-A', mon.grafanaInstalls], { encoding: 'utf8' })).toBe('');
    const missing = await run(
      installGrafanaStep({ url: `${good.url}.missing`, sha256: good.sha256 }, layout, mon).script,
    );
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim()).toBe(`cannot download the Grafana tarball ${good.url}.missing: HTTP 404`);
  });

  it('install-prometheus.sh does nothing when the binary is there, and says what to do without apt-get', () => {
    const there = spawnSync(
      'sh',
      ['-c', installPrometheusStep({ ...MONITORING_LAYOUT, prometheusBin: '/bin/sh' }).script],
      {
        encoding: 'utf8',
      },
    );
    expect(there.stdout).toBe('/bin/sh is there\n');
    expect(there.status).toBe(0);
    const absent = spawnSync(
      '/bin/sh',
      [
        '-c',
        installPrometheusStep({ ...MONITORING_LAYOUT, prometheusBin: path.join(dir, 'no-prometheus') })
          .script,
      ],
      { encoding: 'utf8', env: { PATH: path.join(dir, 'empty-path') } },
    );
    expect(absent.status).toBe(1);
    expect(absent.stderr).toMatch(
      /this host has no apt-get: install Prometheus so that .*no-prometheus exists/,
    );
  });
});

describe('the tunnel', () => {
  it('forwards 127.0.0.1 here to 127.0.0.1 on the host, with the pinned key and nothing else', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'citystream-mon-tunnel-'));
    const knownHosts = path.join(dir, 'default.known_hosts');
    writeFileSync(knownHosts, '[203.0.113.10]:2222 ssh-ed25519 AAAAC3Nza\n');
    const ssh = new SshExecutor({
      host: '203.0.113.10',
      user: 'ops',
      port: 2222,
      identityFile: '/k',
      knownHostsFile: knownHosts,
    });
    const args = await ssh.forwardArgs(13000, 3000);
    expect(args).toEqual([
      '-p',
      '2222',
      '-i',
      '/k',
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'BatchMode=yes',
      '-o',
      'ConnectTimeout=10',
      '-o',
      'ServerAliveInterval=15',
      '-o',
      'ServerAliveCountMax=4',
      '-o',
      `UserKnownHostsFile=${knownHosts}`,
      '-o',
      'GlobalKnownHostsFile=/dev/null',
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      'HashKnownHosts=no',
      '-o',
      'LogLevel=ERROR',
      '-o',
      'ExitOnForwardFailure=yes',
      '-N',
      '-n',
      '-L',
      '127.0.0.1:13000:127.0.0.1:3000',
      'ops@203.0.113.10',
    ]);
  });

  it('a bad service name, a missing stack and a stack without monitoring are one-line errors', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'citystream-mon-tunnel-cli-'));
    const bad = await runCli(['tunnel', 'kibana'], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([
      'Error: cannot tunnel to "kibana" — choose grafana or prometheus',
    ]);
    const none = await runCli(['tunnel', 'grafana'], { cwd });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^Error: no stack "default" here/);
    const stacks = path.join(cwd, '.citystream', 'stacks');
    mkdirSync(stacks, { recursive: true });
    writeFileSync(
      path.join(stacks, 'plain.json'),
      JSON.stringify({
        name: 'plain',
        host: '203.0.113.10',
        user: 'root',
        port: 22,
        hostKey: 'k',
        services: ['api'],
        apiPort: 8082,
        kafka: 'embedded',
        brokers: [],
      }),
    );
    const plain = await runCli(['tunnel', 'prometheus', '--stack', 'plain'], { cwd });
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(
      /^Error: stack "plain" on 203\.0\.113\.10 was deployed without --monitoring/,
    );
    expect(plain.stdout).toBe('');
  });
});
