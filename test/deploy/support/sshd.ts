import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../support/free-port.js';
import { waitFor } from '../../support/wait-for.js';

/**
 * A real sshd (Debian's openssh-server) on a free port of 127.0.0.1, with its own host key and an
 * authorized key made here, so the deploy test reaches "a host" (this machine) as root over real SSH.
 * Its sessions' PATH starts with the systemctl/journalctl stand-in (systemd-stand-in.mjs) when asked.
 */
export interface TestSshd {
  port: number;
  dir: string;
  /** The client's private key (mode 0600). */
  identity: string;
  /** The stand-in's state directory (its units' state and output). */
  standInState: string;
  hostKeyLine(): string;
  /** Restarts sshd on the same port with a new host key (the "changed host key" case). */
  changeHostKey(): Promise<void>;
  /** Back to the first host key. */
  restoreHostKey(): Promise<void>;
  stop(): Promise<void>;
}

const STAND_IN = fileURLToPath(new URL('./systemd-stand-in.mjs', import.meta.url));

export async function startSshd(options: { standIn: boolean }): Promise<TestSshd> {
  const dir = mkdtempSync(path.join(tmpdir(), 'citystream-sshd-'));
  const keygen = (file: string) =>
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'citystream-test', '-f', file]);
  keygen(path.join(dir, 'host_key'));
  keygen(path.join(dir, 'host_key_other'));
  keygen(path.join(dir, 'id_ed25519'));
  writeFileSync(path.join(dir, 'authorized_keys'), readFileSync(path.join(dir, 'id_ed25519.pub')));
  chmodSync(path.join(dir, 'id_ed25519'), 0o600);
  const bin = path.join(dir, 'bin');
  const standInState = path.join(dir, 'stand-in');
  mkdirSync(bin);
  for (const tool of ['systemctl', 'journalctl'])
    writeFileSync(
      path.join(bin, tool),
      `#!/bin/sh\n# stand-in for ${tool} (no systemd on this machine): see ${STAND_IN}\nCITYSTREAM_STAND_IN_STATE=${standInState} exec ${process.execPath} ${STAND_IN} ${tool} "$@"\n`,
      { mode: 0o755 },
    );
  const port = await freePort();
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const config = (hostKey: string) =>
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${path.join(dir, hostKey)}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'MaxStartups 100:30:200',
      `SetEnv PATH=${options.standIn ? `${bin}:` : ''}/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin`,
      'LogLevel ERROR',
      '',
    ].join('\n');
  let child: ChildProcess | undefined;
  let stderr = '';
  const launch = async (hostKey: string) => {
    writeFileSync(path.join(dir, 'sshd_config'), config(hostKey));
    stderr = '';
    child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', path.join(dir, 'sshd_config')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const started = child;
    await waitFor(
      `sshd on 127.0.0.1:${port}`,
      () => {
        if (started.exitCode !== null) throw new Error(`sshd exited: ${stderr}`);
        return new Promise<boolean>((resolve) => {
          const s = connect(port, '127.0.0.1');
          s.once('connect', () => (s.destroy(), resolve(true)));
          s.once('error', () => resolve(false));
        });
      },
      10_000,
    );
  };
  const kill = async () => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
  };
  await launch('host_key');
  return {
    port,
    dir,
    identity: path.join(dir, 'id_ed25519'),
    standInState,
    hostKeyLine: () => {
      const [type, key] = readFileSync(path.join(dir, 'host_key.pub'), 'utf8').split(' ');
      return `[127.0.0.1]:${port} ${type} ${key}`;
    },
    changeHostKey: async () => {
      await kill();
      await launch('host_key_other');
    },
    restoreHostKey: async () => {
      await kill();
      await launch('host_key');
    },
    stop: async () => {
      await kill();
      if (options.standIn)
        execFileSync(process.execPath, [STAND_IN, 'reset'], {
          env: { ...process.env, CITYSTREAM_STAND_IN_STATE: standInState },
        });
    },
  };
}

/** systemd is PID 1 here (then the real systemctl runs the units); otherwise the stand-in does. */
export function hasSystemd(): boolean {
  try {
    return readFileSync('/proc/1/comm', 'utf8').trim() === 'systemd';
  } catch {
    return false;
  }
}
