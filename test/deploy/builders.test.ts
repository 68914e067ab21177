import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RELEASE_SERVICES, SERVICE_NAMES } from '../../src/deploy/layout.js';
import { resolveDeployOptions, wantedServices } from '../../src/deploy/options.js';
import * as remote from '../../src/deploy/remote/commands.js';
import { hostFiles, maskSecrets, renderConfig, renderEnvFile } from '../../src/deploy/remote/files.js';
import { renderTemplate } from '../../src/deploy/remote/render.js';
import { quote } from '../../src/deploy/remote/shell.js';

// The builders are pure: these tests pin the exact text that lands on a host, as Kamal's command tests do.

const options = resolveDeployOptions(
  { host: '203.0.113.10' },
  { secrets: { CITYSTREAM_API_TOKEN: 'tok-123' } },
);
const services = wantedServices(options);
const files = hostFiles(options, services, '/usr/bin/node');
const fileOf = (name: string) => files.find((f) => f.path.endsWith(name))!;

describe('rendered files', () => {
  it('renders the API unit from its template with the fixed variables', () => {
    expect(fileOf('citystream-api.service').content)
      .toBe(`# Rendered by \`citystream deploy\` from templates/systemd/citystream-api.service; edits are overwritten.
[Unit]
Description=citystream REST API
After=network-online.target citystream-dynamodb.service
Wants=network-online.target citystream-dynamodb.service

[Service]
Type=simple
User=citystream
Group=citystream
EnvironmentFile=/etc/citystream/citystream.env
WorkingDirectory=/var/lib/citystream
ExecStart=/usr/bin/node /opt/citystream/current/bin/citystream.js --config /etc/citystream/citystream.config.json serve --host 0.0.0.0 --port 8082
Restart=always
RestartSec=2
TimeoutStopSec=30
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes
RestrictSUIDSGID=yes
LockPersonality=yes
ReadWritePaths=/var/lib/citystream
StandardOutput=journal
StandardError=journal
SyslogIdentifier=citystream-api

[Install]
WantedBy=multi-user.target
`);
  });

  it('gives each service its own command line', () => {
    const exec = (name: string) =>
      /^ExecStart=(.*)$/m.exec(fileOf(`citystream-${name}.service`).content)?.[1];
    const base =
      '/usr/bin/node /opt/citystream/current/bin/citystream.js --config /etc/citystream/citystream.config.json';
    expect(exec('broker')).toBe(
      `${base} broker --host 0.0.0.0 --advertised-host 203.0.113.10 --port 9092 --data-dir /var/lib/citystream/kafka`,
    );
    expect(exec('dynamodb')).toBe(
      `${base} dynamodb --host 127.0.0.1 --port 8000 --data-dir /var/lib/citystream`,
    );
    expect(exec('processor')).toBe(`${base} process --metrics-port 9464`);
    expect(exec('producer')).toBe(`${base} produce --rate 5 --metrics-port 9465`);
  });

  it('writes the shared settings to the config file and only the environment (with secrets) to the env file', () => {
    expect(JSON.parse(renderConfig(options))).toEqual({
      target: 'local',
      endpoint: 'http://127.0.0.1:8000',
      dynamoPort: 8000,
      prefix: 'citystream-',
      brokers: ['203.0.113.10:9092'],
      brokerPort: 9092,
      apiPort: 8082,
      dataDir: '/var/lib/citystream',
    });
    expect(renderEnvFile(options)).toBe(
      "# Written by `citystream deploy`: the services' environment. Mode 0640, root:citystream.\nNODE_ENV=production\nCITYSTREAM_API_TOKEN='tok-123'\n",
    );
    expect(fileOf('citystream.env')).toMatchObject({
      mode: '0640',
      owner: 'root',
      group: 'citystream',
      secret: true,
    });
    expect(maskSecrets(fileOf('citystream.env').content, options.secrets)).not.toContain('tok-123');
  });

  it('omits the broker and producer units for an external Kafka without producer', () => {
    const external = resolveDeployOptions({ host: 'h' }, { brokers: ['b-1:9092'], producer: false });
    expect(wantedServices(external)).toEqual(['dynamodb', 'processor', 'api']);
    expect(JSON.parse(renderConfig(external)).brokers).toEqual(['b-1:9092']);
  });

  it('with --archive, tells the processor where in the config file and lets its sandbox write a file:// directory', () => {
    const dirArchive = resolveDeployOptions({ host: 'h' }, { archive: 'file:///srv/archive' });
    const dirFiles = hostFiles(dirArchive, wantedServices(dirArchive), '/usr/bin/node');
    const unit = (name: string, list = dirFiles) =>
      list.find((f) => f.path.endsWith(`citystream-${name}.service`))!.content;
    expect(JSON.parse(renderConfig(dirArchive)).archive).toBe('file:///srv/archive');
    // Only the processor archives: only its unit may write there (ProtectSystem=strict elsewhere).
    expect(unit('processor')).toContain('\nReadWritePaths=/var/lib/citystream /srv/archive\n');
    expect(unit('api')).toContain('\nReadWritePaths=/var/lib/citystream\n');
    // The directory exists, owned by the services' user, before the unit that writes it starts.
    expect(remote.setupStep('/srv/archive').script).toContain(
      '\ninstall -d -m 0750 -o citystream -g citystream /srv/archive\n',
    );
    expect(remote.setupStep().script).not.toContain('/srv/archive');

    const bucket = resolveDeployOptions({ host: 'h' }, { archive: 's3://my-bucket/raw' });
    const bucketFiles = hostFiles(bucket, wantedServices(bucket), '/usr/bin/node');
    expect(JSON.parse(renderConfig(bucket)).archive).toBe('s3://my-bucket/raw');
    expect(unit('processor', bucketFiles)).toContain('\nReadWritePaths=/var/lib/citystream\n');
    expect(JSON.parse(renderConfig(options))).not.toHaveProperty('archive');
  });

  it('refuses a template variable that is missing or unused', () => {
    expect(() => renderTemplate('a {{x}}', {}, 't')).toThrow('t: no value for {{x}}');
    expect(() => renderTemplate('a', { y: '1' }, 't')).toThrow('t: variables not used by the template: y');
  });
});

describe('host commands', () => {
  it('quotes only what needs quoting', () => {
    expect(quote('/etc/citystream/citystream.env')).toBe('/etc/citystream/citystream.env');
    expect(quote("it's")).toBe(`'it'\\''s'`);
  });

  it('writes a file atomically with owner and mode set before the rename, content on stdin', () => {
    const step = remote.writeFileStep(fileOf('citystream.env'));
    expect(step.script).toBe(
      [
        'set -eu',
        'umask 077',
        'if [ -f /etc/citystream/citystream.env ]; then cp -p /etc/citystream/citystream.env /opt/citystream/rollback/citystream.env; fi',
        'tmp=$(mktemp /etc/citystream/citystream.env.XXXXXX)',
        'cat > "$tmp"',
        'chown root:citystream "$tmp"',
        'chmod 0640 "$tmp"',
        'mv -f "$tmp" /etc/citystream/citystream.env',
      ].join('\n'),
    );
    expect(step.script).not.toContain('tok-123');
    expect(step.input).toEqual({ kind: 'text', text: fileOf('citystream.env').content, secret: true });
  });

  it('switches the current link atomically', () => {
    expect(remote.activateStep('0.1.0-abc').script).toBe(
      'ln -sfn releases/0.1.0-abc /opt/citystream/current.next && mv -Tf /opt/citystream/current.next /opt/citystream/current',
    );
  });

  it('streams uploads into the root-only upload area', () => {
    expect(remote.uploadStep('/tmp/x.tgz', 'citystream.tgz')).toEqual({
      title: 'upload citystream.tgz',
      script: 'umask 077 && cat > /opt/citystream/upload/citystream.tgz',
      input: { kind: 'file', path: '/tmp/x.tgz' },
    });
  });

  it('reloads, enables and removes units, and starts them', () => {
    expect(remote.unitsStep(['processor', 'api'], ['producer']).script).toBe(
      [
        'set -eu',
        'systemctl disable --now citystream-producer.service || true',
        'rm -f /etc/systemd/system/citystream-producer.service',
        'systemctl daemon-reload',
        'systemctl enable --quiet citystream-processor.service citystream-api.service',
      ].join('\n'),
    );
    expect(remote.systemctlStep('restart', ['api']).script).toBe('systemctl restart citystream-api.service');
  });

  it('reads the journal, and follows it until stdin closes', () => {
    expect(remote.journalStep(['processor'], { lines: 50, sinceSeconds: 600 }).script).toBe(
      'journalctl --no-pager -o short-iso -u citystream-processor.service -n 50 --since=-600s',
    );
    expect(remote.journalStep(['api'], { follow: true }).script).toBe(
      'journalctl --no-pager -o short-iso -u citystream-api.service -f &\npid=$!\ncat >/dev/null\nkill "$pid" 2>/dev/null || true\nwait "$pid" 2>/dev/null || true',
    );
  });

  it('rolls back files, link and units', () => {
    expect(
      remote.rollbackStep({
        previousRelease: '0.1.0-old',
        files: [
          { path: '/etc/citystream/citystream.config.json', existed: true },
          { path: '/etc/systemd/system/citystream-producer.service', existed: false },
        ],
        restart: ['processor', 'api'],
      }).script,
    ).toBe(
      [
        'set -eu',
        'mv -f /opt/citystream/rollback/citystream.config.json /etc/citystream/citystream.config.json',
        'rm -f /etc/systemd/system/citystream-producer.service',
        'ln -sfn releases/0.1.0-old /opt/citystream/current.next && mv -Tf /opt/citystream/current.next /opt/citystream/current',
        'systemctl daemon-reload',
        'systemctl restart citystream-processor.service citystream-api.service',
      ].join('\n'),
    );
  });
});

describe('rendered files pass the tools that check them', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'citystream-render-'));

  it('every unit passes systemd-analyze verify (Debian systemd)', () => {
    const paths = files
      .filter((f) => f.path.endsWith('.service'))
      .map((f) => {
        const p = path.join(dir, path.basename(f.path));
        writeFileSync(p, f.content);
        return p;
      });
    expect(paths).toHaveLength(RELEASE_SERVICES.length);
    const verify = spawnSync('systemd-analyze', ['verify', ...paths], { encoding: 'utf8' });
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
  });

  it('a unit with an exec prefix (the AWS secret launcher) runs the service through it and passes verify', () => {
    const launcher = path.join(dir, 'citystream-with-secrets');
    writeFileSync(launcher, '#!/bin/sh\nexec "$@"\n');
    chmodSync(launcher, 0o755);
    const prefixed = resolveDeployOptions(
      { host: '203.0.113.10' },
      { execPrefix: launcher, kafka: 'external', brokers: ['127.0.0.1:9092'], dynamodb: 'aws' },
    );
    const units = hostFiles(prefixed, wantedServices(prefixed), '/usr/bin/node').filter((f) =>
      f.path.endsWith('.service'),
    );
    expect(units.map((u) => path.basename(u.path))).toEqual([
      'citystream-processor.service',
      'citystream-api.service',
      'citystream-producer.service',
    ]);
    const api = units.find((u) => u.path.endsWith('citystream-api.service'))!.content;
    expect(/^ExecStart=(.*)$/m.exec(api)?.[1]).toBe(
      `${launcher} /usr/bin/node /opt/citystream/current/bin/citystream.js --config /etc/citystream/citystream.config.json serve --host 0.0.0.0 --port 8082`,
    );
    const sub = mkdtempSync(path.join(dir, 'prefixed-'));
    const paths = units.map((u) => {
      const p = path.join(sub, path.basename(u.path));
      writeFileSync(p, u.content);
      return p;
    });
    const verify = spawnSync('systemd-analyze', ['verify', ...paths], { encoding: 'utf8' });
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
  });

  it('every shell script rendered from templates/ (and every builder script) passes shellcheck', () => {
    const scripts: Record<string, string> = {
      preflight: remote.preflightStep({
        releaseId: '0.1.0-abc',
        files: files.map((f) => f.path),
        services,
        ports: { broker: 9092, api: 8082 },
        allServices: SERVICE_NAMES,
        prometheusBin: '/usr/bin/prometheus',
        grafanaDir: '/opt/citystream/grafana/6107ad27016296aa',
      }).script,
      setup: remote.setupStep().script,
      setupArchive: remote.setupStep('/srv/citystream-archive').script,
      install: remote.installReleaseStep('0.1.0-abc').script,
      teardown: remote.teardownStep(false).script,
      teardownKeep: remote.teardownStep(true).script,
      write: remote.writeFileStep(fileOf('citystream.env')).script,
      tables: remote.createTablesStep(8000).script,
      health: remote.healthProbeStep(services, { api: 8082, prometheus: 9090, grafana: 3000 }).script,
      status: remote.statusStep(services, 8082).script,
      follow: remote.journalStep(services, { follow: true }).script,
      rollback: remote.rollbackStep({
        previousRelease: 'a',
        files: [{ path: '/etc/x', existed: true }],
        restart: services,
      }).script,
      inventory: remote.inventoryStep().script,
    };
    for (const [name, script] of Object.entries(scripts)) {
      const p = path.join(dir, `${name}.sh`);
      writeFileSync(p, script.startsWith('#!') ? script : `#!/bin/sh\n${script}\n`);
      try {
        execFileSync('shellcheck', ['--shell=sh', '--severity=info', p], { encoding: 'utf8' });
      } catch (err) {
        throw new Error(
          `${name}.sh fails shellcheck:\n${(err as { stdout?: string }).stdout ?? String(err)}`,
        );
      }
    }
  });
});
