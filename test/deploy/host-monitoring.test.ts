import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { deployToHost, type DeployIO } from '../../src/deploy/deploy.js';
import { HOST_LAYOUT } from '../../src/deploy/layout.js';
import { MONITORING_LAYOUT } from '../../src/deploy/monitoring.js';
import { execaSpawner, type SpawnRequest, type Spawner } from '../../src/deploy/ssh/executor.js';
import { captureIO, runCli } from '../support/cli.js';
import { freePort } from '../support/free-port.js';
import { waitFor } from '../support/wait-for.js';
import { packGrafanaStandIn, serveArtifact, type GrafanaArtifactServer } from './support/grafana-artifact.js';
import { allCommandLines, cleanHost, listenAddresses, listenerUids, unitPids } from './support/host-state.js';
import { hasSystemd, startSshd, type TestSshd } from './support/sshd.js';

/*
 * `citystream deploy --host … --monitoring` end to end, as host-deploy.test.ts does it: a real sshd on
 * 127.0.0.1 and this machine as the host, as root (with the systemctl/journalctl stand-in where systemd is
 * not PID 1). Prometheus is the real one, Debian's package (.ci/run installs it), run by its own unit and
 * really scraping the deployed services. Grafana cannot be downloaded here, so the deploy installs a
 * STAND-IN tarball (support/grafana-stand-in.mjs as bin/grafana) served from 127.0.0.1, through the same
 * --grafana-tarball/--grafana-sha256 a user with a mirror passes; the host checks its SHA-256 as it would
 * Grafana's. This file runs after every other (vitest.config.ts): it uses the host paths host-deploy uses.
 */

interface Recorded {
  file: string;
  args: string[];
  input?: string;
}

describe('deploy --host --monitoring to a real sshd', () => {
  let sshd: TestSshd;
  let cwd: string;
  let grafana: GrafanaArtifactServer;
  let ports: {
    api: number;
    broker: number;
    dynamo: number;
    processorMetrics: number;
    producerMetrics: number;
    prometheus: number;
    grafana: number;
  };
  let deployFlags: string[];
  let hostFlags: string[];
  let adminPassword = '';

  const tunnel = async (service: string, localPort: number) => {
    const controller = new AbortController();
    const { io, output } = captureIO({ cwd, signal: controller.signal });
    const exit = main(['tunnel', service, '--local-port', String(localPort)], io);
    const url = await waitFor(
      `the ${service} tunnel's URL`,
      async () => {
        if ((await Promise.race([exit, Promise.resolve('running')])) !== 'running')
          throw new Error(`tunnel ${service} ended: ${output().stderr}`);
        return output().stdout.trim() || undefined;
      },
      30_000,
      50,
    );
    return {
      url,
      output,
      close: async () => {
        controller.abort();
        return exit;
      },
    };
  };

  beforeAll(async () => {
    if (process.getuid?.() !== 0)
      throw new Error(
        'the monitoring deploy test runs as root (it deploys to this machine as root@127.0.0.1)',
      );
    sshd = await startSshd({ standIn: !hasSystemd() });
    cleanHost(sshd);
    cwd = mkdtempSync(path.join(tmpdir(), 'citystream-monitoring-'));
    grafana = await serveArtifact(packGrafanaStandIn(cwd));
    ports = {
      api: await freePort(),
      broker: await freePort(),
      dynamo: await freePort(),
      processorMetrics: await freePort(),
      producerMetrics: await freePort(),
      prometheus: await freePort(),
      grafana: await freePort(),
    };
    hostFlags = ['--host', 'root@127.0.0.1', '--ssh-port', String(sshd.port), '--identity', sshd.identity];
    deployFlags = [
      ...hostFlags,
      '--rate',
      '1',
      '--api-port',
      String(ports.api),
      '--broker-port',
      String(ports.broker),
      '--dynamo-port',
      String(ports.dynamo),
      '--metrics-port',
      String(ports.processorMetrics),
      '--producer-metrics-port',
      String(ports.producerMetrics),
      '--monitoring',
      '--prometheus-port',
      String(ports.prometheus),
      '--grafana-port',
      String(ports.grafana),
      '--grafana-tarball',
      grafana.url,
      '--grafana-sha256',
      grafana.sha256,
    ];
  });

  afterAll(async () => {
    if (sshd) {
      cleanHost(sshd);
      await sshd.stop();
    }
    await grafana?.close();
  });

  it('installs Prometheus and Grafana as their own units, on 127.0.0.1 only, with a password generated on the host', async () => {
    const r = await runCli(['--json', 'deploy', ...deployFlags], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { services: string[]; monitoring: Record<string, string> };
    expect(doc.services).toEqual([
      'broker',
      'dynamodb',
      'processor',
      'api',
      'producer',
      'prometheus',
      'grafana',
    ]);
    expect(doc.monitoring).toEqual({
      prometheus: `127.0.0.1:${ports.prometheus}`,
      grafana: `127.0.0.1:${ports.grafana}`,
    });
    expect(grafana.downloads()).toBe(1);
    expect(listenAddresses(ports.prometheus)).toEqual(['127.0.0.1']);
    expect(listenAddresses(ports.grafana)).toEqual(['127.0.0.1']);
    for (const unit of ['citystream-prometheus.service', 'citystream-grafana.service'])
      expect(existsSync(path.join(HOST_LAYOUT.unitDir, unit))).toBe(true);

    const password = MONITORING_LAYOUT.adminPasswordFile;
    adminPassword = readFileSync(password, 'utf8');
    expect(adminPassword).toMatch(/^[0-9a-f]{48}$/);
    expect(statSync(password).mode & 0o777).toBe(0o640);
    const monitoringUid = Number(execFileSync('id', ['-u', MONITORING_LAYOUT.user], { encoding: 'utf8' }));
    const monitoringGid = Number(execFileSync('id', ['-g', MONITORING_LAYOUT.user], { encoding: 'utf8' }));
    expect(statSync(password).gid).toBe(monitoringGid);
    expect(statSync(MONITORING_LAYOUT.prometheusData).uid).toBe(monitoringUid);

    // What listens on those ports runs as the monitoring user, not as citystream or root.
    expect(listenerUids(ports.prometheus)).toEqual([monitoringUid]);
    expect(listenerUids(ports.grafana)).toEqual([monitoringUid]);
    // The password is in no process's argument list, no output and no local file.
    expect(allCommandLines().filter((l) => l.includes(adminPassword))).toEqual([]);
    expect(r.stdout + r.stderr).not.toContain(adminPassword);
    const stacks = path.join(cwd, '.citystream', 'stacks');
    for (const f of readdirSync(stacks))
      expect(readFileSync(path.join(stacks, f), 'utf8')).not.toContain(adminPassword);
  }, 420_000);

  it('tunnel prometheus: Prometheus scrapes every deployed service and has the rules', async () => {
    const local = await freePort();
    const t = await tunnel('prometheus', local);
    expect(t.url).toBe(`http://127.0.0.1:${local}/`);
    const api = async <T>(p: string) => {
      const res = await fetch(new URL(p, t.url)).catch(() => undefined);
      return res?.ok ? ((await res.json()) as { data: T }).data : undefined;
    };
    try {
      const up = await waitFor(
        'Prometheus to report every citystream target up',
        async () => {
          const data = await api<{ result: Array<{ metric: { job: string }; value: [number, string] }> }>(
            `api/v1/query?query=${encodeURIComponent('up{job=~"citystream-.*"}')}`,
          );
          const byJob = Object.fromEntries((data?.result ?? []).map((s) => [s.metric.job, s.value[1]]));
          return Object.keys(byJob).length === 3 && Object.values(byJob).every((v) => v === '1') && byJob;
        },
        90_000,
        500,
      );
      expect(up).toEqual({ 'citystream-processor': '1', 'citystream-api': '1', 'citystream-producer': '1' });
      const targets = await api<{ activeTargets: Array<{ scrapeUrl: string }> }>('api/v1/targets');
      expect(targets?.activeTargets.map((a) => a.scrapeUrl).sort()).toEqual(
        [
          `http://127.0.0.1:${ports.api}/metrics`,
          `http://127.0.0.1:${ports.processorMetrics}/metrics`,
          `http://127.0.0.1:${ports.producerMetrics}/metrics`,
        ].sort(),
      );
      const rules = await api<{ groups: Array<{ rules: Array<{ name: string }> }> }>('api/v1/rules');
      expect(rules?.groups.flatMap((g) => g.rules.map((r) => r.name))).toContain('CitystreamServiceDown');
    } finally {
      expect(await t.close()).toBe(0);
    }
    expect(t.output().stderr).toContain('tunnel closed');
    await waitFor('the local port to close', () => isClosed(local), 10_000, 50);
  }, 180_000);

  it('tunnel grafana: Grafana answers through the forward; the password stays on the host', async () => {
    const local = await freePort();
    const t = await tunnel('grafana', local);
    try {
      const health = await fetch(new URL('api/health', t.url));
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ database: 'ok' });
      expect(t.output().stderr).toContain(`cat ${MONITORING_LAYOUT.adminPasswordFile}`);
      expect(t.output().stderr).not.toContain(adminPassword);
      // Another tunnel on the same local port is refused at once, in one line.
      const busy = await runCli(['tunnel', 'prometheus', '--local-port', String(local)], { cwd });
      expect(busy.code).toBe(2);
      expect(busy.stderr.trim().split('\n')).toEqual([
        `Error: port ${local} on 127.0.0.1 here is in use — pass --local-port N with a free port`,
      ]);
    } finally {
      expect(await t.close()).toBe(0);
    }
  }, 60_000);

  it("status lists the monitoring units and their readiness; logs shows Grafana's lines", async () => {
    const r = await runCli(['--json', 'status'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const status = JSON.parse(r.stdout) as {
      services: Array<{ service: string; state: string }>;
      monitoring: {
        prometheus: { address: string; ready: number };
        grafana: { address: string; health: number };
      };
    };
    expect(status.services.map((s) => [s.service, s.state])).toEqual(
      ['broker', 'dynamodb', 'processor', 'api', 'producer', 'prometheus', 'grafana'].map((s) => [
        s,
        'active',
      ]),
    );
    expect(status.monitoring).toEqual({
      prometheus: { address: `127.0.0.1:${ports.prometheus}`, ready: 200 },
      grafana: { address: `127.0.0.1:${ports.grafana}`, health: 200 },
    });
    const logs = await runCli(['logs', 'grafana', '--lines', '20'], { cwd });
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain(`grafana stand-in listening on 127.0.0.1:${ports.grafana}`);
  }, 60_000);

  it('a second deploy with nothing changed restarts nothing and downloads nothing; no secret in argv', async () => {
    const recorded: Recorded[] = [];
    const recorder: Spawner = (request: SpawnRequest) => {
      recorded.push({ file: request.file, args: [...request.args], input: request.input });
      return execaSpawner(request);
    };
    const lines: string[] = [];
    const io: DeployIO = {
      stacksDir: path.join(cwd, '.citystream', 'stacks'),
      info: (l) => lines.push(l),
      print: (t) => lines.push(t),
      signal: new AbortController().signal,
      spawn: recorder,
    };
    const before = unitPids(sshd);
    const result = await deployToHost(
      { host: '127.0.0.1', user: 'root', port: sshd.port, identityFile: sshd.identity },
      {
        stack: 'default',
        rate: 1,
        ports,
        monitoring: true,
        grafana: { url: grafana.url, sha256: grafana.sha256 },
      },
      io,
    );
    expect(lines.join('\n')).toMatch(
      /nothing changed on 127\.0\.0\.1: release .*, 7 units active; restarted nothing/,
    );
    expect(result).toMatchObject({ changed: false, restarted: [], started: [] });
    expect(grafana.downloads()).toBe(1);
    if (before) expect(unitPids(sshd)).toEqual(before);
    expect(recorded.filter((r) => r.file === 'ssh').length).toBeGreaterThan(1);
    for (const r of recorded) {
      expect(r.args.join(' ')).not.toContain(adminPassword);
      expect(r.input ?? '').not.toContain(adminPassword);
    }
  }, 300_000);

  it('teardown removes the monitoring units, configuration, data and user', async () => {
    const r = await runCli(['teardown', ...hostFlags, '--yes'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    for (const line of [
      'removed unit citystream-prometheus.service',
      'removed unit citystream-grafana.service',
      `removed ${MONITORING_LAYOUT.etcDir}`,
      `removed ${MONITORING_LAYOUT.dataDir}`,
      `removed system user ${MONITORING_LAYOUT.user}`,
    ])
      expect(r.stdout).toContain(line);
    expect(readdirSync(HOST_LAYOUT.unitDir).filter((f) => f.startsWith('citystream-'))).toEqual([]);
    for (const p of [MONITORING_LAYOUT.etcDir, MONITORING_LAYOUT.dataDir, HOST_LAYOUT.root])
      expect(existsSync(p)).toBe(false);
    expect(() => execFileSync('id', ['-u', MONITORING_LAYOUT.user], { stdio: 'ignore' })).toThrow();
    await waitFor(
      'Prometheus and Grafana to stop listening',
      () => listenAddresses(ports.prometheus).length === 0 && listenAddresses(ports.grafana).length === 0,
    );
    // Debian's package stays installed (teardown says so in docs/deploy.md); only citystream's unit is gone.
    expect(existsSync(MONITORING_LAYOUT.prometheusBin)).toBe(true);
  }, 120_000);
});

function isClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => (socket.destroy(), resolve(true)));
  });
}
