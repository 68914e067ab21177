import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { deployToHost, type DeployIO } from '../../src/deploy/deploy.js';
import { HOST_LAYOUT } from '../../src/deploy/layout.js';
import { FileStore } from '../../src/processor/archive/file-store.js';
import { readArchive } from '../support/archive.js';
import { execaSpawner, type SpawnRequest, type Spawner } from '../../src/deploy/ssh/executor.js';
import { captureIO, runCli } from '../support/cli.js';
import { freePort } from '../support/free-port.js';
import { waitFor } from '../support/wait-for.js';
import { cleanHost, readlinkName, unitPids } from './support/host-state.js';
import { hasSystemd, startSshd, type TestSshd } from './support/sshd.js';

/*
 * `citystream deploy --host` end to end against a real sshd (Debian's openssh-server) on a free port of
 * 127.0.0.1, with a host key and an authorized key made here. The "host" is this machine, as root: the
 * deploy really creates the citystream user and writes /opt/citystream, /etc/citystream and
 * /etc/systemd/system/citystream-*.service, and the services really run and listen.
 *
 * CI machines (containers) have no systemd as PID 1. There the test puts a STAND-IN for `systemctl` and
 * `journalctl` (support/systemd-stand-in.mjs) first on the sshd sessions' PATH: it runs each unit's
 * ExecStart with its EnvironmentFile as the unit's user, restarts it when it exits and keeps its output.
 * Everything else — ssh, the files, the processes, the ports — is real. The units themselves are checked
 * with systemd-analyze verify in builders.test.ts.
 */

const SECRET = `s3cr3t-${randomUUID()}`;
const CITY = 'Testville';
/** `deploy --archive file://…`: a directory of the host outside the data directory, so teardown keeps it. */
const ARCHIVE_DIR = '/var/lib/citystream-test-archive';

interface Recorded {
  file: string;
  args: string[];
  input?: string;
}

describe('deploy --host to a real sshd', () => {
  let sshd: TestSshd;
  let cwd: string;
  let ports: {
    api: number;
    broker: number;
    dynamo: number;
    processorMetrics: number;
    producerMetrics: number;
  };
  const recorded: Recorded[] = [];
  const recorder: Spawner = (request: SpawnRequest) => {
    recorded.push({ file: request.file, args: [...request.args], input: request.input });
    return execaSpawner(request);
  };
  let firstRelease = '';
  let hostFlags: string[];
  let deployFlags: string[];
  const timings: Record<string, number> = {};

  const io = (lines: string[]): DeployIO => ({
    stacksDir: path.join(cwd, '.citystream', 'stacks'),
    info: (l) => lines.push(l),
    print: (t) => lines.push(t),
    signal: new AbortController().signal,
    spawn: recorder,
  });
  const options = () => ({
    stack: 'default',
    rate: 1,
    ports,
    // A setting in the environment file, as a user may put one: archive objects within a second.
    secrets: { CITYSTREAM_TEST_TOKEN: SECRET, CITYSTREAM_ARCHIVE_MAX_AGE: '1s' },
    healthTimeoutMs: 90_000,
    archive: `file://${ARCHIVE_DIR}`,
  });
  const apiGet = async (p: string) => {
    const res = await fetch(`http://127.0.0.1:${ports.api}/api/v1${p}`).catch(() => undefined);
    return res ? { status: res.status, body: (await res.json()) as Record<string, unknown> } : undefined;
  };

  beforeAll(async () => {
    if (process.getuid?.() !== 0)
      throw new Error('the deploy test runs as root (it deploys to this machine as root@127.0.0.1)');
    sshd = await startSshd({ standIn: !hasSystemd() });
    cleanHost(sshd);
    rmSync(ARCHIVE_DIR, { recursive: true, force: true });
    cwd = mkdtempSync(path.join(tmpdir(), 'citystream-deploy-'));
    ports = {
      api: await freePort(),
      broker: await freePort(),
      dynamo: await freePort(),
      processorMetrics: await freePort(),
      producerMetrics: await freePort(),
    };
    writeFileSync(
      path.join(cwd, 'secrets.env'),
      `# test secret\nCITYSTREAM_TEST_TOKEN=${SECRET}\nCITYSTREAM_ARCHIVE_MAX_AGE=1s\n`,
      { mode: 0o600 },
    );
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
      '--secrets',
      'secrets.env',
      '--archive',
      `file://${ARCHIVE_DIR}`,
    ];
  });

  afterAll(async () => {
    if (sshd) {
      cleanHost(sshd);
      await sshd.stop();
    }
    rmSync(ARCHIVE_DIR, { recursive: true, force: true });
    if (Object.keys(timings).length > 0) console.log(`deploy timings (s): ${JSON.stringify(timings)}`);
  });

  it('--dry-run prints every command and file, secrets masked, and runs nothing on the host', async () => {
    const lines: string[] = [];
    await deployToHost(
      { host: '127.0.0.1', user: 'root', port: sshd.port, identityFile: sshd.identity },
      { ...options(), dryRun: true },
      io(lines),
    );
    const text = lines.join('\n');
    expect(text).toContain('## 1. inspect the host');
    expect(text).toContain('install release');
    expect(text).toContain('ExecStart=/usr/bin/node /opt/citystream/current/bin/citystream.js');
    expect(text).toContain("CITYSTREAM_TEST_TOKEN='******'");
    expect(text).not.toContain(SECRET);
    expect(recorded.filter((r) => r.file === 'ssh')).toEqual([]);
    expect(existsSync(HOST_LAYOUT.root)).toBe(false);
  });

  it('deploys this build cold: every unit active, API healthy, processor group Stable', async () => {
    const lines: string[] = [];
    const t0 = Date.now();
    const result = await deployToHost(
      { host: '127.0.0.1', user: 'root', port: sshd.port, identityFile: sshd.identity },
      options(),
      io(lines),
    );
    timings.cold = (Date.now() - t0) / 1000;
    firstRelease = result.release;
    expect(result.services).toEqual(['broker', 'dynamodb', 'processor', 'api', 'producer']);
    expect(result.started).toEqual(result.services);
    expect(readlinkName(HOST_LAYOUT.current)).toBe(firstRelease);
    expect(statSync(HOST_LAYOUT.envFile).mode & 0o777).toBe(0o640);
    expect(readFileSync(HOST_LAYOUT.envFile, 'utf8')).toContain(SECRET);
    expect((await apiGet('/health'))?.status).toBe(200);
    const metrics = await fetch(`http://127.0.0.1:${ports.api}/metrics`);
    expect(await metrics.text()).toContain('citystream_api_requests_total');
    expect(await (await fetch(`http://127.0.0.1:${ports.producerMetrics}/metrics`)).text()).toContain(
      'citystream_produced_total',
    );
    expect(await (await fetch(`http://127.0.0.1:${ports.processorMetrics}/metrics`)).text()).toContain(
      'citystream_events_in_total',
    );
  }, 300_000);

  it('produce --brokers to the deployed broker, then the deployed API answers the expected summary', async () => {
    const file = path.join(cwd, 'events.jsonl');
    const types = ['traffic', 'weather', 'incident', 'construction'];
    const severities = ['low', 'medium', 'high', 'critical'];
    const now = Date.now();
    const events = Array.from({ length: 40 }, (_, i) => ({
      event_id: randomUUID(),
      event_type: types[i % 4],
      city: CITY,
      severity: severities[Math.floor(i / 10)],
      timestamp: new Date(now - (40 - i) * 1000).toISOString(),
      description: `deploy test event ${i}`,
    }));
    writeFileSync(file, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const produced = await runCli(
      ['produce', '--brokers', `127.0.0.1:${ports.broker}`, '--from-file', file, '--rate', '0'],
      { cwd },
    );
    expect(produced.code, produced.stderr).toBe(0);
    const summary = await waitFor(
      'the deployed API to count the events',
      async () => {
        const r = await apiGet(`/summary/${CITY}`);
        return r?.status === 200 && r.body.total_events === 40 ? r.body : undefined;
      },
      60_000,
      250,
    );
    // The deployed processor's archive has each of them once, in the directory deploy made for it.
    expect(statSync(ARCHIVE_DIR).mode & 0o777).toBe(0o750);
    const ids = new Set<string>(events.map((e) => e.event_id));
    const archived = await waitFor(
      'the archive to hold the 40 events',
      async () => {
        const lines = await readArchive(new FileStore(ARCHIVE_DIR), (key) =>
          readFile(path.join(ARCHIVE_DIR, ...key.split('/'))),
        );
        const ours = lines.filter((l) =>
          ids.has((JSON.parse(l.value ?? '{}') as { event_id?: string }).event_id ?? ''),
        );
        return ours.length >= 40 ? ours : undefined;
      },
      60_000,
      250,
    );
    expect(archived).toHaveLength(40);
    expect(summary).toMatchObject({
      city: CITY,
      total_events: 40,
      by_type: { traffic: 10, weather: 10, incident: 10, construction: 10 },
      by_severity: { low: 10, medium: 10, high: 10, critical: 10 },
      alerts_24h: 20,
    });
  }, 120_000);

  it('status shows every unit active, API health, lag per partition and the release', async () => {
    const r = await runCli(['--json', 'status'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const status = JSON.parse(r.stdout) as {
      release: string;
      services: Array<{ service: string; state: string; restarts: number; since: string | null }>;
      api: { health: number };
      lag: { state: string; partitions: unknown[] };
    };
    expect(status.release).toBe(firstRelease);
    expect(status.services.map((s) => [s.service, s.state])).toEqual(
      ['broker', 'dynamodb', 'processor', 'api', 'producer'].map((s) => [s, 'active']),
    );
    expect(status.services.every((s) => s.since !== null && typeof s.restarts === 'number')).toBe(true);
    expect(status.api.health).toBe(200);
    expect(status.lag.state).toBe('Stable');
    expect(status.lag.partitions.length).toBeGreaterThan(0);
  }, 60_000);

  it('logs processor shows its lines; logs -f follows until Ctrl-C', async () => {
    const r = await runCli(['logs', 'processor', '--lines', '20'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/processing city-events as group citystream-processor/);
    expect(r.stdout).not.toMatch(/REST API|API listening/);

    const controller = new AbortController();
    const { io: cliIO, output } = captureIO({ cwd, signal: controller.signal });
    const following = main(['logs', '-f', '--since', '10m'], cliIO);
    // The producer logs nothing per event, but the API and processor lines from start-up are within 10 minutes.
    await waitFor('followed lines', () => output().stdout.includes('API listening'), 30_000, 100);
    controller.abort();
    expect(await following).toBe(0);
  }, 60_000);

  it('a second deploy with nothing changed says so and restarts nothing', async () => {
    const before = unitPids(sshd);
    const t0 = Date.now();
    const r = await runCli(['--json', 'deploy', ...deployFlags], { cwd });
    timings.warm = (Date.now() - t0) / 1000;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/nothing changed on 127\.0\.0\.1: release .*restarted nothing/);
    const doc = JSON.parse(r.stdout) as { changed: boolean; restarted: string[]; release: string };
    expect(doc).toMatchObject({ changed: false, restarted: [], release: firstRelease });
    if (before) expect(unitPids(sshd)).toEqual(before);
  }, 180_000);

  it('a changed host key aborts the deploy with a clear line', async () => {
    await sshd.changeHostKey();
    try {
      const r = await runCli(['deploy', ...deployFlags], { cwd });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /host key of 127\.0\.0\.1 has changed since it was pinned; refusing to connect/,
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await sshd.restoreHostKey();
    }
  }, 120_000);

  it('a build whose API cannot start rolls back; the old release keeps serving', async () => {
    const broken = brokenPackage(cwd);
    const lines: string[] = [];
    const failure = await deployToHost(
      { host: '127.0.0.1', user: 'root', port: sshd.port, identityFile: sshd.identity },
      { ...options(), packageFile: broken, healthTimeoutMs: 25_000 },
      io(lines),
    ).then(
      () => undefined,
      (err: unknown) => err as Error & { exitCode?: number },
    );
    expect(failure?.message).toMatch(/failed: .*rolled back to release .* it is healthy again/s);
    expect(failure?.message).toContain('broken build: the API cannot start');
    expect(failure?.exitCode).toBe(3);
    expect(readlinkName(HOST_LAYOUT.current)).toBe(firstRelease);
    expect((await apiGet('/health'))?.status).toBe(200);
    expect((await apiGet(`/summary/${CITY}`))?.body.total_events).toBe(40);
  }, 300_000);

  it('keeps secrets out of every process argument list; record and key files are 0600', () => {
    const ssh = recorded.filter((r) => r.file === 'ssh');
    expect(ssh.length).toBeGreaterThan(10);
    for (const r of recorded) expect(r.args.join(' ')).not.toContain(SECRET);
    // The secret did travel, on stdin:
    expect(ssh.some((r) => r.input?.includes(SECRET))).toBe(true);
    for (const r of ssh) {
      expect(r.args).toContain('BatchMode=yes');
      expect(r.args.join(' ')).not.toContain('StrictHostKeyChecking=no');
    }
    const stacks = path.join(cwd, '.citystream', 'stacks');
    for (const f of ['default.json', 'default.known_hosts'])
      expect(statSync(path.join(stacks, f)).mode & 0o777).toBe(0o600);
    const record = readFileSync(path.join(stacks, 'default.json'), 'utf8');
    expect(record).not.toContain(SECRET);
    expect(JSON.parse(record).hostKey).toContain(sshd.hostKeyLine().split(' ')[2]);
    expect(statSync(sshd.identity).mode & 0o777).toBe(0o600);
  });

  it('teardown --yes leaves no unit, release or config; a second teardown exits 0', async () => {
    const r = await runCli(['teardown', ...hostFlags, '--yes'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('removed unit citystream-api.service');
    expect(readdirSync(HOST_LAYOUT.unitDir).filter((f) => f.startsWith('citystream-'))).toEqual([]);
    for (const p of [HOST_LAYOUT.root, HOST_LAYOUT.etcDir, HOST_LAYOUT.dataDir])
      expect(existsSync(p)).toBe(false);
    // The archive is the data that outlives the stack: teardown leaves it.
    expect(readdirSync(ARCHIVE_DIR)).toContain('city-events');
    expect(await apiGet('/health')).toBeUndefined();
    const again = await runCli(['teardown', ...hostFlags, '--yes'], { cwd });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('nothing to remove on 127.0.0.1');
  }, 120_000);
});

/** This build, packed, with dist/api/server.js made to throw on import: `serve` cannot start. */
function brokenPackage(cwd: string): string {
  const dir = path.join(cwd, 'broken');
  mkdirSync(dir, { recursive: true });
  const root = path.resolve(import.meta.dirname, '../..');
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--pack-destination', dir, '--json', '--silent', '--ignore-scripts'], {
      cwd: root,
      encoding: 'utf8',
    }),
  ) as Array<{ filename: string }>;
  execFileSync('tar', ['-xzf', path.join(dir, packed[0]!.filename), '-C', dir]);
  const server = path.join(dir, 'package', 'dist', 'api', 'server.js');
  writeFileSync(
    server,
    `throw new Error('broken build: the API cannot start');\n${readFileSync(server, 'utf8')}`,
  );
  execFileSync('tar', ['-czf', path.join(dir, 'broken.tgz'), '-C', dir, 'package']);
  return path.join(dir, 'broken.tgz');
}
