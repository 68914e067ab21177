import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { resolveDeployOptions, wantedServices } from '../../src/deploy/options.js';
import { parseHealth, parsePreflight, planDeploy, unhealthy } from '../../src/deploy/plan.js';
import { hostFiles } from '../../src/deploy/remote/files.js';
import { classifyFailure } from '../../src/deploy/ssh/errors.js';
import { parseStatus } from '../../src/deploy/operate.js';
import { ServiceError, UserError } from '../../src/errors.js';

const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const options = resolveDeployOptions({ host: '10.0.0.5' }, {});
const services = wantedServices(options);
const files = hostFiles(options, services, '/usr/bin/node');

function factsText(
  current: string | undefined,
  hashes: Record<string, string>,
  active: boolean,
  present = current === 'r1',
): string {
  return [
    'os=Linux',
    'systemd=running',
    'node=/usr/bin/node',
    'node_version=v20.11.0',
    'npm=yes',
    'free_mb=5000',
    `current=${current ?? ''}`,
    `release_present=${present ? 'yes' : 'no'}`,
    ...files.map((f) => `file ${hashes[f.path] ?? '-'} ${f.path}`),
    ...services.map((s) => `unit citystream-${s} ${active ? 'active' : 'inactive'} ${active ? 'yes' : 'no'}`),
  ].join('\n');
}

describe('planDeploy', () => {
  it('installs, writes and starts everything on a fresh host', () => {
    const plan = planDeploy({
      releaseId: 'r1',
      services,
      files,
      hashOf: sha,
      facts: parsePreflight(factsText(undefined, {}, false)),
    });
    expect(plan).toMatchObject({
      installRelease: true,
      activate: true,
      restart: [],
      start: services,
      unchanged: false,
    });
    expect(plan.writes.map((w) => w.path)).toEqual(files.map((f) => f.path));
  });

  it('changes nothing when release, files and units are as wanted', () => {
    const hashes = Object.fromEntries(files.map((f) => [f.path, sha(f.content)]));
    const plan = planDeploy({
      releaseId: 'r1',
      services,
      files,
      hashOf: sha,
      facts: parsePreflight(factsText('r1', hashes, true)),
    });
    expect(plan).toMatchObject({
      installRelease: false,
      activate: false,
      writes: [],
      restart: [],
      start: [],
      unchanged: true,
    });
  });

  it('restarts only the unit whose file changed', () => {
    const hashes = Object.fromEntries(files.map((f) => [f.path, sha(f.content)]));
    const faster = resolveDeployOptions({ host: '10.0.0.5' }, { rate: 50 });
    const plan = planDeploy({
      releaseId: 'r1',
      services,
      files: hostFiles(faster, services, '/usr/bin/node'),
      hashOf: sha,
      facts: parsePreflight(factsText('r1', hashes, true)),
    });
    expect(plan.writes.map((w) => w.path)).toEqual(['/etc/systemd/system/citystream-producer.service']);
    expect(plan.restart).toEqual(['producer']);
  });

  it('restarts everything for a new release, and removes units no longer wanted', () => {
    const hashes = Object.fromEntries(files.map((f) => [f.path, sha(f.content)]));
    const noProducer = services.filter((s) => s !== 'producer');
    const plan = planDeploy({
      releaseId: 'r2',
      services: noProducer,
      files,
      hashOf: sha,
      facts: parsePreflight(factsText('r1', hashes, true, false)),
    });
    expect(plan).toMatchObject({
      previousRelease: 'r1',
      installRelease: true,
      activate: true,
      restart: noProducer,
      remove: ['producer'],
    });
  });
});

describe('health and status parsing', () => {
  it('names the first unhealthy thing', () => {
    const ok = parseHealth(
      'unit citystream-api active\nunit citystream-processor active\napi 200\ngroup Stable\n',
    );
    expect(unhealthy(ok, ['processor', 'api'])).toBeUndefined();
    expect(unhealthy(parseHealth('unit citystream-api activating\napi 0\n'), ['api'])).toEqual({
      service: 'api',
      why: 'citystream-api is activating',
    });
    expect(
      unhealthy(parseHealth('unit citystream-api active\napi 200\ngroup PreparingRebalance'), ['api'])
        ?.service,
    ).toBe('processor');
  });

  it('parses systemctl show and lag sections', () => {
    const status = parseStatus(
      'release 0.1.0-abc\n--- unit citystream-api\nActiveState=active\nSubState=running\nActiveEnterTimestamp=Mon 2026-01-05 10:00:00 UTC\nNRestarts=2\nUnitFileState=enabled\napi 200\n--- lag\n{"group":"g","state":"Stable","partitions":[],"total_lag":0}\n',
    );
    expect(status).toEqual({
      release: '0.1.0-abc',
      units: [
        {
          service: 'api',
          unit: 'citystream-api',
          state: 'active',
          subState: 'running',
          since: 'Mon 2026-01-05 10:00:00 UTC',
          restarts: 2,
          enabled: 'enabled',
        },
      ],
      api: 200,
      prometheus: null,
      grafana: null,
      lag: { group: 'g', state: 'Stable', partitions: [], total_lag: 0 },
    });
  });
});

describe('host failures, classified once', () => {
  const host = {
    label: 'root@h:22',
    host: 'h',
    port: 22,
    user: 'deploy',
    knownHostsFile: '/x/default.known_hosts',
  };
  const fail = (exitCode: number, stderr: string) =>
    classifyFailure(host, 'inspect the host', { exitCode, stderr, stdout: '' });

  it.each([
    [255, 'ssh: connect to host h port 22: Connection refused', UserError, /cannot reach h:22 over SSH/],
    [255, 'deploy@h: Permission denied (publickey).', UserError, /refused the SSH key/],
    [
      255,
      '@@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@\nHost key verification failed.',
      UserError,
      /host key of h has changed/,
    ],
    [1, 'sudo: a password is required', UserError, /cannot run sudo without a password/],
    [1, 'cat: write error: No space left on device', UserError, /disk of h is full/],
    [
      1,
      'Error: listen EADDRINUSE: address already in use 0.0.0.0:8082',
      UserError,
      /port citystream needs on h is in use/,
    ],
    [2, 'something else', ServiceError, /inspect the host failed on h \(exit 2\): something else/],
  ])('exit %i, %s', (code, stderr, kind, message) => {
    const err = fail(code, stderr);
    expect(err).toBeInstanceOf(kind);
    expect(err.message).toMatch(message);
    expect((err as UserError).hint).toBeTruthy();
  });
});
